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
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<ProcessResult>> Builds = new();

    /// <summary>infra/main.bicep compiled to ARM JSON (modules are nested deployments inside it); built once per run.</summary>
    public static JsonObject Main => MainTemplate.Value;

    public static ProcessResult Run(params string[] arguments) => Processes.Run(Executable.Value, arguments, Repo.Infra);

    /// <summary>The result of <c>bicep build FILE --stdout</c>, run once per file and run.</summary>
    public static ProcessResult BuildResult(string bicepFile) =>
        Builds.GetOrAdd(Path.GetFullPath(bicepFile), f => new Lazy<ProcessResult>(() => Run("build", f, "--stdout"))).Value;

    public static JsonObject Build(string bicepFile)
    {
        var result = BuildResult(bicepFile);
        Assert.True(result.ExitCode == 0, $"bicep build {Repo.Relative(bicepFile)} failed: {result}");
        return JsonNode.Parse(result.StandardOutput)!.AsObject();
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
