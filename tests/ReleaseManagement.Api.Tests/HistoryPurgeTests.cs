using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Tests;

/// <summary>
/// The history purge (<see cref="HistoryPurge"/>) on the real composition over Azurite and the in-process Durable engine (a task
/// hub of each test's own): the instances' times are the engine's real ones, and the job's clock is set so that its cutoff
/// (now minus <see cref="HistoryOptions.Retention"/>) falls between the instances that ended before and after a given moment.
/// </summary>
public sealed class HistoryPurgeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A stand-in for the communication timeline: it runs until told to stop.</summary>
    private static void Timeline(DurableTaskRegistry r) =>
        r.AddOrchestratorFunc<string, bool>(OrchestratorNames.Communications, (context, _) => context.WaitForExternalEvent<bool>(ApiHarness.StopEvent));

    private static async Task<OrchestrationMetadata> EndedAsync(ApiHarness h, string instanceId)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        return await h.Client.WaitForInstanceCompletionAsync(instanceId, timeout.Token);
    }

    /// <summary>The release's record ended as its orchestration's last status write would leave it.</summary>
    private static Task CloseAsync(ApiHarness h, string id, ReleaseStatus status) =>
        h.Store.ApplyAsync(new ReleaseStatusChange(id, h.Time.GetUtcNow(), ReleasePhase.Closed, status, $"{status}.",
            new TimelineEntry(90, h.Time.GetUtcNow(), ReleasePhase.Closed, "closed", $"{status}.")), Ct);

    /// <summary>Waits until the real clock is past <paramref name="moment"/>, so what starts next is strictly later.</summary>
    private static Task<DateTimeOffset> PastAsync(DateTimeOffset moment) =>
        Eventually.UntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow), now => now > moment, TimeSpan.FromSeconds(5), "the clock to move on");

    [Fact]
    public async Task HistoryPurge_EndedReleasesPastTheRetention_PurgesTheirHistoryAndKeepsRunningRecentAndStrandedOnes()
    {
        var system = "Purge" + Guid.NewGuid().ToString("N")[..8];
        var defaults = ReleasePolicyDefaults.Create();
        await using var h = await ApiHarness.StartAsync(
            defaults with { Systems = new Dictionary<string, SystemPolicy>(defaults.Systems) { [system] = defaults.Systems["Billing"] } }, orchestrators: Timeline);

        // Ended long ago: a completed release with its communication timeline, and a cancelled one whose instance was terminated.
        var completed = await h.StartReleaseAsync(system: system);
        var timeline = CommunicationsOrchestrator.InstanceIdOf(completed);
        await h.Client.ScheduleNewOrchestrationInstanceAsync(OrchestratorNames.Communications, "timeline", new StartOrchestrationOptions(timeline), Ct);
        await h.Client.WaitForInstanceStartAsync(timeline, Ct);
        await h.Client.RaiseEventAsync(timeline, ApiHarness.StopEvent, true, Ct);
        await EndedAsync(h, timeline);
        await h.EndAsync(completed);
        await CloseAsync(h, completed, ReleaseStatus.Completed);
        var terminated = await h.StartReleaseAsync(system: system);
        await h.Client.TerminateInstanceAsync(terminated, "test: cancelled", Ct);
        await EndedAsync(h, terminated);
        await CloseAsync(h, terminated, ReleaseStatus.Cancelled);
        // Also ended long ago, but its release is still Active (stranded: resumed from this history), and one still running.
        var stranded = await h.StartReleaseAsync(system: system);
        await h.Client.TerminateInstanceAsync(stranded, "test: the instance is lost", Ct);
        var strandedEnd = await EndedAsync(h, stranded);
        var running = await h.StartReleaseAsync(system: system);
        var cutoff = await PastAsync(strandedEnd.LastUpdatedAt);

        // Started before the cutoff, ended after it: kept (the retention counts from the end).
        await PastAsync(cutoff);
        var recent = await h.StartReleaseAsync(system: system);
        await h.EndAsync(recent);
        await CloseAsync(h, recent, ReleaseStatus.Completed);
        var retention = h.Services.GetRequiredService<IOptions<HistoryOptions>>().Value.Retention;
        h.Time.SetUtcNow(cutoff + retention);

        var run = await h.Services.GetRequiredService<HistoryPurge>().RunAsync(h.Client, Ct);

        Assert.Equal((cutoff, 4, 3, 1), (run.Cutoff, run.Ended, run.Purged, run.Kept));
        Assert.Null(await h.Client.GetInstanceAsync(completed, Ct));
        Assert.Null(await h.Client.GetInstanceAsync(timeline, Ct));
        Assert.Null(await h.Client.GetInstanceAsync(terminated, Ct));
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await h.Client.GetInstanceAsync(stranded, Ct))?.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await h.Client.GetInstanceAsync(running, Ct))?.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await h.Client.GetInstanceAsync(recent, Ct))?.RuntimeStatus);
        Assert.Equal(0, (await h.Services.GetRequiredService<HistoryPurge>().RunAsync(h.Client, Ct)).Purged);

        // What people read is kept: the release answers 200 with its status and no runtime status, its audit trail is whole,
        // and the stranded-release check does not take an ended release without an instance for a stranded one.
        var view = await h.CallAsync(r => h.Releases.GetAsync(completed, h.Client, Ct), method: "GET");
        Assert.Equal((200, "Completed", null), (view.Status, view.Str("status"), view.Str("runtimeStatus")));
        Assert.Contains(view.Body!["timeline"]!.AsArray(), l => (string?)l!["kind"] == "closed");
        var audit = await h.CallAsync(r => h.Services.GetRequiredService<AuditHandlers>().GetAsync(completed, r, Ct), method: "GET");
        Assert.Equal((200, true), (audit.Status, (bool?)audit.Body!["verified"]));
        Assert.NotEmpty(audit.Body["entries"]!.AsArray());
        var check = await h.Services.GetRequiredService<StrandedReleases>().RunAsync(h.Client, new ReleaseQuery(System: system, Max: 1000), Ct);
        Assert.DoesNotContain(completed, check.Stranded);
        Assert.DoesNotContain(terminated, check.Stranded);
        await h.EndAsync(running);
    }

    [Fact]
    public async Task Create_SameRequestAgainAfterItsHistoryWasPurged_Is409AndStartsNothing()
    {
        await using var h = await ApiHarness.StartAsync();
        var id = ApiHarness.NewId("purged");
        var body = $$"""{ "id": "{{id}}", "title": "Purged {{id}}", "type": "Minor", "systems": ["{{h.System}}"], "targetDate": "{{ValidRelease.TargetDate()}}", "approvers": {{ApiHarness.ApproversJson}} }""";
        Assert.Equal(202, (await h.CallAsync(r => h.Releases.CreateAsync(r, h.Client, Ct), body)).Status);
        await h.Client.WaitForInstanceStartAsync(id, Ct);
        await h.EndAsync(id);
        await CloseAsync(h, id, ReleaseStatus.Completed);
        // A retention of a second, so the request is still valid when asked again (its target date is checked against the clock).
        var ended = await h.Client.GetInstanceAsync(id, Ct);
        var retention = TimeSpan.FromSeconds(1);
        h.Time.SetUtcNow((await PastAsync(ended!.LastUpdatedAt)) + retention);
        var purge = new HistoryPurge(h.Store, Options.Create(new HistoryOptions { Retention = retention }), h.Time, NullLogger<HistoryPurge>.Instance);
        Assert.Equal(1, (await purge.RunAsync(h.Client, Ct)).Purged);

        var again = await h.CallAsync(r => h.Releases.CreateAsync(r, h.Client, Ct), body);

        Assert.Equal(409, again.Status);
        Assert.Null(await h.Client.GetInstanceAsync(id, Ct));
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("3651.00:00:00")]
    public void Retention_OutsideOneSecondToTenYears_FailsAtStartUp(string retention)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["History:Retention"] = retention }).Build();
        using var services = new ServiceCollection().AddLogging().AddReleaseManagement(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<HistoryOptions>>().Value);

        Assert.Contains("History:Retention must be between 1 second and 3650 days.", error.Message, StringComparison.Ordinal);
    }
}
