using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Infrastructure.Tests;

/// <summary>Paths of the repository and the bicep CLI, as the build recorded them.</summary>
public static class Repo
{
    private static string Metadata(string key) =>
        typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata '{key}' is empty.");

    /// <summary>The repository root, found as every test project finds it (tests/Shared/Repo.cs).</summary>
    public static string Root => ReleaseFunctions.TestSupport.Repo.Root;

    public static string Configuration { get; } = Metadata("Configuration");

    public static string Infra => Path.Combine(Root, "infra");

    public static string BicepPath { get; } = Metadata("BicepPath");

    /// <summary>Output folder of the built Functions app (assemblies and functions.metadata).</summary>
    public static string FunctionsOutput => Path.Combine(Root, "src", "ReleaseFunctions", "bin", Configuration, "net10.0");

    public static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    public static IEnumerable<string> BicepFiles() =>
        Directory.EnumerateFiles(Infra, "*.bicep", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    public static IEnumerable<string> ParameterFiles() =>
        Directory.EnumerateFiles(Infra, "*.bicepparam", SearchOption.AllDirectories).Order(StringComparer.Ordinal);
}

public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}

/// <summary>Runs the bicep CLI from the Azure.Bicep.CommandLine.linux-x64 package.</summary>
public static class Bicep
{
    private static readonly Lazy<string> Executable = new(() =>
    {
        var path = Repo.BicepPath;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The bicep CLI is not at {path}; restore tests/Infrastructure.Tests.", path);
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return path;
    });

    private static readonly Lazy<JsonObject> MainTemplate = new(() => Build(Path.Combine(Repo.Infra, "main.bicep")));
    private static readonly Lazy<Batch> Templates = new(() => RunBatch("build", "**/*.bicep"));
    private static readonly Lazy<Batch> Parameters = new(() => RunBatch("build-params", "**/*.bicepparam"));

    /// <summary>infra/main.bicep compiled to ARM JSON (modules are nested deployments inside it); built once per run.</summary>
    public static JsonObject Main => MainTemplate.Value;

    public static ProcessResult Run(params string[] arguments) => Processes.Run(Executable.Value, arguments, Repo.Infra);

    /// <summary>
    /// What <c>bicep build FILE --stdout</c> gives for one file: its ARM JSON on stdout and the diagnostics that name it.
    /// Every file is built by one <c>bicep build --pattern</c> per run (one CLI start instead of one per file).
    /// </summary>
    public static ProcessResult BuildResult(string bicepFile) => Templates.Value.For(bicepFile);

    /// <summary>What <c>bicep build-params FILE</c> gives for one parameter file (its parameters JSON), from one batch per run.</summary>
    public static ProcessResult BuildParamsResult(string parameterFile) => Parameters.Value.For(parameterFile);

    public static JsonObject Build(string bicepFile)
    {
        var result = BuildResult(bicepFile);
        Assert.True(result.ExitCode == 0, $"bicep build {Repo.Relative(bicepFile)} failed: {result}");
        return JsonNode.Parse(result.StandardOutput)!.AsObject();
    }

    private static Batch RunBatch(string command, string pattern)
    {
        var output = Directory.CreateTempSubdirectory("bicep-").FullName;
        return new Batch(Run(command, "--pattern", pattern, "--outdir", output), output);
    }

    /// <summary>One batch run of the CLI over a pattern, with its outputs in <paramref name="Output"/> (the infra tree's layout).</summary>
    private sealed record Batch(ProcessResult Run, string Output)
    {
        public ProcessResult For(string file)
        {
            var full = Path.GetFullPath(file);
            var relative = Path.GetRelativePath(Repo.Infra, full);
            // The CLI lays its outputs out below the matched files' common folder (env/dev.bicepparam gives dev.json).
            var stem = Path.ChangeExtension(relative, null).Replace('\\', '/');
            var json = Directory.EnumerateFiles(Output, "*.json", SearchOption.AllDirectories)
                .Select(f => (Path: f, Stem: Path.ChangeExtension(Path.GetRelativePath(Output, f), null).Replace('\\', '/')))
                .Where(o => stem == o.Stem || stem.EndsWith("/" + o.Stem, StringComparison.Ordinal))
                .OrderByDescending(o => o.Stem.Length)
                .Select(o => o.Path)
                .FirstOrDefault() ?? Path.Combine(Output, stem + ".json");
            var diagnostics = string.Join('\n', Run.StandardError.Split('\n').Where(l => l.Contains(full, StringComparison.Ordinal) || l.Contains(relative, StringComparison.Ordinal)));
            var exitCode = Run.ExitCode != 0 ? Run.ExitCode : File.Exists(json) ? 0 : 1;
            return new ProcessResult(exitCode, File.Exists(json) ? File.ReadAllText(json) : "", exitCode == 0 ? diagnostics : Run.StandardError);
        }
    }
}

public static class Processes
{
    public static ProcessResult Run(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment = null,
        bool clearEnvironment = false,
        TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (clearEnvironment)
        {
            start.Environment.Clear();
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in time.");
        }

        return new ProcessResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}
