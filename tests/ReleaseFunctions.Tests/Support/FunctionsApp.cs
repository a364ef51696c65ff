using System.Diagnostics;
using System.Text.Json.Nodes;
using ReleaseFunctions.TestSupport;

namespace ReleaseFunctions.Tests.Support;

/// <summary>
/// The Functions app as the Functions host sees it: built once per test run, then its generated functions.metadata (the
/// host indexes functions from it) and the host.json in its build output.
/// </summary>
public static class FunctionsApp
{
    private static readonly Lazy<JsonArray> LazyMetadata = new(BuildAndRead);

    public static JsonArray Metadata => LazyMetadata.Value;

    public static JsonNode HostJson
    {
        get
        {
            _ = LazyMetadata.Value;
            return JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.BuildOutput("ReleaseFunctions"), "host.json")))!;
        }
    }

    public static IEnumerable<JsonObject> Functions => Metadata.Select(f => f!.AsObject());

    /// <summary>The bindings of one function of the given type (<c>httpTrigger</c>, <c>timerTrigger</c>, ...).</summary>
    public static IEnumerable<JsonObject> Bindings(JsonObject function, string type) =>
        function["bindings"]!.AsArray().Select(b => b!.AsObject()).Where(b => (string?)b["type"] == type);

    /// <summary>Every (function, binding) pair whose binding has the given type.</summary>
    public static IEnumerable<(JsonObject Function, JsonObject Binding)> Triggers(string type) =>
        Functions.SelectMany(f => Bindings(f, type).Select(b => (f, b)));

    private static JsonArray BuildAndRead()
    {
        var file = Path.Combine(Repo.BuildOutput("ReleaseFunctions"), "functions.metadata");
        if (!IsNewerThanEverySource(file))
        {
            Build();
        }

        Assert.True(File.Exists(file), $"{file} was not generated");
        return JsonNode.Parse(File.ReadAllText(file))!.AsArray();
    }

    /// <summary>
    /// True when <paramref name="output"/> exists and its build is newer than every source of the app: the newest file the
    /// last build wrote into the output folder (the build copies each changed project's assembly there) is newer than every
    /// file of the projects the app is built from and the root's props. After scripts/test.sh's solution build the app is
    /// current and is not built a second time; after an edit it is.
    /// </summary>
    private static bool IsNewerThanEverySource(string output)
    {
        if (!File.Exists(output))
        {
            return false;
        }

        var built = Directory.EnumerateFiles(Path.GetDirectoryName(output)!, "*", SearchOption.AllDirectories).Max(File.GetLastWriteTimeUtc);
        var sources = new[] { "ReleaseFunctions", "ReleaseManagement", "ReleaseManagement.Api", "ReleaseManagement.Azure" }
            .SelectMany(project => Directory.EnumerateFiles(Repo.Path("src", project), "*", SearchOption.AllDirectories))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Concat(Directory.EnumerateFiles(Repo.Root, "Directory.*"));
        return sources.All(f => File.GetLastWriteTimeUtc(f) <= built);
    }

    private static void Build()
    {
        var project = Repo.Path("src", "ReleaseFunctions", "ReleaseFunctions.csproj");
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "build", project, "-c", Repo.Configuration, "-nologo", "-v:q", "-nodeReuse:false", "-p:UseSharedCompilation=false" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        using var build = Process.Start(info)!;
        var output = build.StandardOutput.ReadToEndAsync();
        var error = build.StandardError.ReadToEndAsync();
        build.WaitForExit();
        Assert.True(build.ExitCode == 0, $"dotnet build of ReleaseFunctions failed:\n{output.Result}\n{error.Result}");
    }
}
