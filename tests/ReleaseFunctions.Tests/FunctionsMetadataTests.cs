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
    private static JsonArray Metadata => FunctionsApp.Metadata;

    private static JsonObject Function(string name) =>
        Metadata.Select(f => f!.AsObject()).SingleOrDefault(f => (string?)f["name"] == name)
        ?? throw new Xunit.Sdk.XunitException($"Function '{name}' is not in functions.metadata; present: {string.Join(", ", Metadata.Select(f => (string?)f!["name"]))}");

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
    [InlineData("RollbackRelease", "post", "releases/{id}/rollback")]
    [InlineData("RetryReleaseEffect", "post", "releases/{id}/retry")]
    [InlineData("SkipReleaseEffect", "post", "releases/{id}/skip")]
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
    [InlineData("RollbackRelease")]
    [InlineData("RetryReleaseEffect")]
    [InlineData("SkipReleaseEffect")]
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
    [InlineData("StrandedReleases", "%StrandedReleasesSchedule%")]
    [InlineData("AuditManifest", "%AuditManifestSchedule%")]
    [InlineData("HistoryPurge", "%HistoryPurgeSchedule%")]
    public void TimerFunction_ReadsItsScheduleFromAnAppSetting(string name, string schedule)
    {
        var trigger = Binding(Function(name), "timerTrigger");

        Assert.Equal(schedule, (string?)trigger["schedule"]);
    }

    [Theory]
    [InlineData("PostReleaseMonitor")]
    [InlineData("StrandedReleases")]
    [InlineData("HistoryPurge")]
    public void DurableTimerFunction_HasADurableClientBinding(string name)
    {
        Binding(Function(name), "durableClient");
    }

    public static TheoryData<string> OrchestratorNames() => [.. HostParityTests.Constants(typeof(ReleaseManagement.Orchestration.OrchestratorNames))];

    public static TheoryData<string> ActivityNames() => [.. HostParityTests.ActivityTruth()];

    [Theory]
    [MemberData(nameof(OrchestratorNames))]
    public void Orchestrator_IsIndexedAsAnOrchestrationTrigger(string name)
    {
        Binding(Function(name), "orchestrationTrigger");
    }

    [Theory]
    [MemberData(nameof(ActivityNames))]
    public void Activity_IsIndexedAsAnActivityTrigger(string name)
    {
        Binding(Function(name), "activityTrigger");
    }

    [Fact]
    public void EveryFunction_PointsAtTheWorkerAssembly()
    {
        Assert.All(Metadata, f =>
        {
            Assert.Equal("ReleaseFunctions.dll", (string?)f!["scriptFile"]);
            Assert.Equal("dotnet-isolated", (string?)f["language"]);
        });
    }

    [Fact]
    public void BuildOutput_CarriesTheRepositoryHostJson()
    {
        var hostJson = FunctionsApp.HostJson;

        Assert.Equal("2.0", (string?)hostJson["version"]);
        Assert.Equal("%TaskHubName%", (string?)hostJson["extensions"]!["durableTask"]!["hubName"]);
    }
}
