using ReleaseManagement.Orchestration;
using ReleaseManagement.Releases;
using static ReleaseManagement.Tests.Orchestration.LifecycleHarness;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>Evidence is fresh and about the right environment (issue 13, point 3), on the real Durable replay engine.</summary>
public sealed class EvidenceFreshnessLifecycleTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await LifecycleHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static string Id(string name) => $"{name}-{Guid.NewGuid():N}"[..24];

    [Fact]
    public async Task StaleBackupAndMonitoringOfStaging_ShowStaleAndHoldTheProductionGateUntilFreshProductionEvidence()
    {
        var request = Request(Id("stale"), ReleaseType.Patch);
        var id = await _h.StartReleaseAsync(request);
        await _h.SendAllAsync(id, EverythingPasses(id).Where(e => e.Attribute(Events.EventAttributes.GateItem) is not ("backup" or "monitoring-active")));
        await _h.RaiseAsync(id, Evidence(id, "backup", environment: "production") with { OccurredAt = DateTimeOffset.UtcNow.AddHours(-30) });
        await _h.RaiseAsync(id, Evidence(id, "monitoring-active", environment: "staging"));

        await _h.WaitForAsync(id, r => r.Stage == ReleaseStages.Gate(Policy.DeploymentEnvironment.Production)
            && r.Gates!.Any(g => g.Item == "backup" && g.Verdict == "Stale") && r.Gates!.Any(g => g.Item == "monitoring-active" && g.Verdict == "Stale"), "the stale verdicts");
        var gates = (await _h.Store.GetAsync(id))!.Gates!;
        Assert.StartsWith("The evidence for 'backup' is 30 h", gates.Single(g => g.Item == "backup").Reason);
        Assert.Contains("at most 1 day", gates.Single(g => g.Item == "backup").Reason);
        Assert.StartsWith("The evidence for 'monitoring-active' is about staging, not production", gates.Single(g => g.Item == "monitoring-active").Reason);
        Assert.DoesNotContain(_h.Deployments, d => d.ReleaseId == id && d.Environment == "production");

        await _h.RaiseAsync(id, Evidence(id, "backup", environment: "production"));
        await _h.RaiseAsync(id, Evidence(id, "monitoring-active", environment: "production"));
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        Assert.Contains(_h.Deployments, d => d.ReleaseId == id && d.Environment == "production");
    }
}
