using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;
using static ReleaseManagement.Tests.Orchestration.LifecycleHarness;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>Environment configuration standards are checked on each promotion (issue 13, point 2), on the real Durable replay engine.</summary>
public sealed class EnvironmentConfigurationLifecycleTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await LifecycleHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task IntegrationConfigurationOffStandard_HoldsThePromotionListingExpectedAgainstActual_UntilItMatches()
    {
        var request = Request($"config-{Guid.NewGuid():N}"[..24], ReleaseType.Patch);
        var id = await _h.StartReleaseAsync(request);
        await _h.SendAllAsync(id, EverythingPasses(id).Where(e => !(e.Attribute(EventAttributes.GateItem) == EnvironmentConfigurationGate.ItemId && e.Environment == "integration")));
        await _h.RaiseAsync(id, ConfigurationReport(id, "integration", ("tlsRequired", "false"), ("databaseServer", "prod-db-server")));

        await _h.WaitForAsync(id, r => r.Stage == ReleaseStages.Gate(DeploymentEnvironment.Integration)
            && r.Gates!.Any(g => g.Item == EnvironmentConfigurationGate.ItemId && g.Verdict == "Failed"), "the failed configuration check");
        var check = (await _h.Store.GetAsync(id))!.Gates!.Single(g => g.Item == EnvironmentConfigurationGate.ItemId);
        Assert.Equal("'databaseServer' expected 'int-db-server', actual 'prod-db-server'. 'tlsRequired' expected 'true', actual 'false'.", check.Reason);
        Assert.DoesNotContain(_h.Deployments, d => d.ReleaseId == id);

        await _h.RaiseAsync(id, ConfigurationReport(id, "integration"));
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        Assert.Equal(["integration", "staging", "production"], _h.Deployments.Where(d => d.ReleaseId == id).Select(d => d.Environment));
    }
}
