using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Tests;

/// <summary>
/// <c>POST /api/releases/{id}/retry</c> and <c>/skip</c> through their handler on the real composition (issue 25, point 1),
/// and the stranded-release check (point 2). The recording orchestration shows an outage as its custom status on demand,
/// as a release waiting out an outage does.
/// </summary>
public sealed class OutageAndStrandedTests : IAsyncLifetime
{
    private ApiHarness _h = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _h = await ApiHarness.StartAsync();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    private Task<Answer> DecideAsync(string id, OutageAction action, string json) =>
        _h.CallAsync(r => _h.Outage.OutageDecisionAsync(id, action, r, _h.Client, Ct), json);

    private async Task ShowAsync(string id, bool skippable, bool escalated)
    {
        var outage = new OutageStatus(Dependencies.Mail, "the notice final-notice", _h.Time.GetUtcNow().AddHours(-25), skippable, escalated);
        await _h.Client.RaiseEventAsync(id, ApiHarness.ShowOutageEvent, outage, Ct);
        await Eventually.UntilAsync(
            async () => OutageDecisionHandler.OutageOf(await _h.Client.GetInstanceAsync(id, getInputsAndOutputs: true, Ct)),
            shown => shown == outage, TimeSpan.FromSeconds(30), "the outage on the release's status");
    }

    [Fact]
    public async Task Skip_OfASkippableEffectPastMaxOutageByAReleaseManager_Is202AuditedAndRaisedOnce()
    {
        var id = await _h.StartReleaseAsync();
        await ShowAsync(id, skippable: true, escalated: true);

        var answer = await DecideAsync(id, OutageAction.Skip, """{ "by": "rm@example.com", "reason": "mail is down for the day; told them by phone" }""");

        Assert.Equal(202, answer.Status);
        Assert.Equal(("skip", Dependencies.Mail), (answer.Str("action"), answer.Str("dependency")));
        var received = Assert.Single(await _h.ReceivedAsync(id));
        Assert.Equal(ReleaseEventNames.Outage, received.Name);
        Assert.Equal((OutageAction.Skip, "rm@example.com"), (received.Outage!.Action, received.Outage.By));
        var audit = await _h.CallAsync(r => _h.Services.GetRequiredService<AuditHandlers>().GetAsync(id, r, Ct), method: "GET");
        var row = audit.Body!["entries"]!.AsArray().Last()!;
        Assert.Equal(("skip", "rm@example.com", "api"), ((string?)row["action"], (string?)row["by"], (string?)row["channel"]));
        Assert.Equal("the notice final-notice", (string?)row["data"]!["effect"]);
    }

    [Fact]
    public async Task Retry_WhileWaitingBeforeMaxOutage_Is202AndRaised()
    {
        var id = await _h.StartReleaseAsync();
        await ShowAsync(id, skippable: false, escalated: false);

        var answer = await DecideAsync(id, OutageAction.Retry, """{ "by": "rm@example.com" }""");

        Assert.Equal(202, answer.Status);
        Assert.Equal(OutageAction.Retry, Assert.Single(await _h.ReceivedAsync(id)).Outage!.Action);
    }

    [Fact]
    public async Task Skip_OfAnEffectThatCannotBeSkipped_Is409AndRaisesNothing()
    {
        var id = await _h.StartReleaseAsync();
        await ShowAsync(id, skippable: false, escalated: true);

        var answer = await DecideAsync(id, OutageAction.Skip, """{ "by": "rm@example.com" }""");

        Assert.Equal(409, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal("This effect cannot be skipped.", answer.Str("title"));
        await _h.EndAsync(id);
    }

    [Fact]
    public async Task Skip_BeforeMaxOutage_Is409AndRaisesNothing()
    {
        var id = await _h.StartReleaseAsync();
        await ShowAsync(id, skippable: true, escalated: false);

        var answer = await DecideAsync(id, OutageAction.Skip, """{ "by": "rm@example.com" }""");

        Assert.Equal(409, answer.Status);
        Assert.Equal("Not yet.", answer.Str("title"));
        await _h.EndAsync(id);
    }

    [Fact]
    public async Task Retry_WhenNothingWaits_Is409AndRaisesNothing()
    {
        var id = await _h.StartReleaseAsync();

        var answer = await DecideAsync(id, OutageAction.Retry, """{ "by": "rm@example.com" }""");

        Assert.Equal(409, answer.Status);
        Assert.Equal("Nothing waits on a dependency.", answer.Str("title"));
        await _h.EndAsync(id);
    }

    [Fact]
    public async Task Retry_ByAPersonWithoutTheReleaseManagerRole_Is403AndRaisesNothing()
    {
        var id = await _h.StartReleaseAsync();
        await ShowAsync(id, skippable: true, escalated: true);

        var answer = await DecideAsync(id, OutageAction.Retry, """{ "by": "qa@example.com" }""");

        Assert.Equal(403, answer.Status);
        await _h.EndAsync(id);
    }

    [Fact]
    public async Task Retry_WithoutBy_Is400()
    {
        var id = await _h.StartReleaseAsync();

        var answer = await DecideAsync(id, OutageAction.Retry, "{}");

        Assert.Equal(400, answer.Status);
        Assert.Contains("by", answer.ErrorFields);
        await _h.EndAsync(id);
    }

    [Fact]
    public async Task StrandedCheck_TerminatedInstance_FlagsTheReleaseOnceAndLeavesARunningOneAlone()
    {
        // A system of its own, so that the check reads this test's releases only (other tests' instances are not in this engine).
        var system = "Stranded" + Guid.NewGuid().ToString("N")[..8];
        var defaults = ReleasePolicyDefaults.Create();
        await using var h = await ApiHarness.StartAsync(defaults with { Systems = new Dictionary<string, SystemPolicy>(defaults.Systems) { [system] = defaults.Systems["Billing"] } });
        var stranded = await h.StartReleaseAsync(system: system);
        var running = await h.StartReleaseAsync(system: system);
        await h.Client.TerminateInstanceAsync(stranded, "test: the instance is lost", Ct);
        await h.Client.WaitForInstanceCompletionAsync(stranded, Ct);
        var check = h.Services.GetRequiredService<StrandedReleases>();
        var mine = new ReleaseQuery(System: system, Max: 1000);

        // Within the grace after the last change nothing is judged (a release may be starting).
        Assert.DoesNotContain(stranded, (await check.RunAsync(h.Client, mine, Ct)).Stranded);
        h.Time.Advance(StrandedReleases.Grace + TimeSpan.FromSeconds(1));
        var first = await check.RunAsync(h.Client, mine, Ct);
        var again = await check.RunAsync(h.Client, mine, Ct);

        Assert.Contains(stranded, first.Stranded);
        Assert.DoesNotContain(running, first.Stranded);
        Assert.DoesNotContain(stranded, again.Stranded);
        var warning = Assert.Single((await h.Store.GetAsync(stranded, Ct))!.Warnings!, w => w.Code == StrandedReleases.WarningCode);
        Assert.StartsWith("Stranded: the release is Active but its orchestration was terminated", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain((await h.Store.GetAsync(running, Ct))!.Warnings ?? [], w => w.Code == StrandedReleases.WarningCode);
        await h.EndAsync(running);
    }
}
