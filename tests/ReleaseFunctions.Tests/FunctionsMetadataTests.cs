using System.Diagnostics;
using System.Text.Json.Nodes;
using ReleaseFunctions.Tests.Support;
using ReleaseFunctions.TestSupport;

namespace ReleaseFunctions.Tests;

/// <summary>
/// Builds the Functions app and reads the functions.metadata the worker SDK generates: the host indexes functions from it,
/// so a trigger renamed or dropped by mistake fails here instead of silently vanishing in Azure.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly Lazy<JsonArray> Metadata = new(BuildAndRead);

    private static JsonArray BuildAndRead()
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

        var file = Path.Combine(Repo.BuildOutput("ReleaseFunctions"), "functions.metadata");
        Assert.True(File.Exists(file), $"{file} was not generated");
        return JsonNode.Parse(File.ReadAllText(file))!.AsArray();
    }

    private static JsonObject Function(string name) =>
        Metadata.Value.Select(f => f!.AsObject()).SingleOrDefault(f => (string?)f["name"] == name)
        ?? throw new Xunit.Sdk.XunitException($"Function '{name}' is not in functions.metadata; present: {string.Join(", ", Metadata.Value.Select(f => (string?)f!["name"]))}");

    private static JsonObject Binding(JsonObject function, string type) =>
        function["bindings"]!.AsArray().Select(b => b!.AsObject()).SingleOrDefault(b => (string?)b["type"] == type)
        ?? throw new Xunit.Sdk.XunitException($"Function '{function["name"]}' has no '{type}' binding");

    [Theory]
    [InlineData("CreateRelease", "post", "releases")]
    [InlineData("GetRelease", "get", "releases/{id}")]
    [InlineData("DecideRelease", "post", "releases/{id}/decisions")]
    [InlineData("Health", "get", "health")]
    [InlineData("ListReleases", "get", "releases")]
    [InlineData("CancelRelease", "post", "releases/{id}/cancel")]
    [InlineData("RescheduleRelease", "patch", "releases/{id}")]
    [InlineData("RecordMilestone", "post", "releases/{id}/milestones/{name}")]
    [InlineData("RecordEvidence", "post", "releases/{id}/evidence")]
    [InlineData("GetMetrics", "get", "metrics")]
    [InlineData("GetReport", "get", "reports/{period}")]
    public void HttpFunction_IsIndexedWithItsRouteAndMethod(string name, string method, string route)
    {
        var trigger = Binding(Function(name), "httpTrigger");

        Assert.Equal(route, (string?)trigger["route"]);
        Assert.Equal([method], trigger["methods"]!.AsArray().Select(m => (string?)m));
        Assert.Equal("Anonymous", (string?)trigger["authLevel"]);
    }

    [Theory]
    [InlineData("CreateRelease")]
    [InlineData("GetRelease")]
    [InlineData("DecideRelease")]
    [InlineData("CancelRelease")]
    [InlineData("RescheduleRelease")]
    [InlineData("RecordMilestone")]
    [InlineData("RecordEvidence")]
    public void ReleaseApiFunction_HasADurableClientBinding(string name)
    {
        Binding(Function(name), "durableClient");
    }

    [Theory]
    [InlineData("PostReleaseMonitor", "%PostReleaseMonitorSchedule%")]
    [InlineData("DailyRollup", "%DailyRollupSchedule%")]
    [InlineData("WeeklyReview", "%WeeklyReviewSchedule%")]
    [InlineData("MonthlyReport", "%MonthlyReportSchedule%")]
    [InlineData("QuarterlyReport", "%QuarterlyReportSchedule%")]
    public void TimerFunction_ReadsItsScheduleFromAnAppSetting(string name, string schedule)
    {
        var trigger = Binding(Function(name), "timerTrigger");

        Assert.Equal(schedule, (string?)trigger["schedule"]);
    }

    [Fact]
    public void PostReleaseMonitor_HasADurableClientBinding()
    {
        Binding(Function("PostReleaseMonitor"), "durableClient");
    }

    [Fact]
    public void ReleaseOrchestrator_IsIndexedAsAnOrchestrationTrigger()
    {
        Binding(Function("ReleaseOrchestrator"), "orchestrationTrigger");
    }

    [Fact]
    public void RecordReleaseStatus_IsIndexedAsAnActivityTrigger()
    {
        Binding(Function("RecordReleaseStatus"), "activityTrigger");
    }

    [Fact]
    public void EveryFunction_PointsAtTheWorkerAssembly()
    {
        Assert.All(Metadata.Value, f =>
        {
            Assert.Equal("ReleaseFunctions.dll", (string?)f!["scriptFile"]);
            Assert.Equal("dotnet-isolated", (string?)f["language"]);
        });
    }

    [Fact]
    public void BuildOutput_CarriesTheRepositoryHostJson()
    {
        var hostJson = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.BuildOutput("ReleaseFunctions"), "host.json")))!;
        _ = Metadata.Value;

        Assert.Equal("2.0", (string?)hostJson["version"]);
        Assert.Equal("%TaskHubName%", (string?)hostJson["extensions"]!["durableTask"]!["hubName"]);
    }
}
