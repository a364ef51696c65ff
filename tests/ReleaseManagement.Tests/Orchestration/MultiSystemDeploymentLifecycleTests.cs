using ReleaseManagement.Events;
using ReleaseManagement.Ports;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;
using static ReleaseManagement.Tests.Orchestration.LifecycleHarness;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>
/// A release of several systems on the real Durable replay engine (lifecycle version 2): deployed in the order of the
/// systems' <c>dependsOn</c>, an environment deployed only once every system reported, a rollback in reverse over the
/// systems asked for.
/// </summary>
public sealed class MultiSystemDeploymentLifecycleTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async ValueTask InitializeAsync()
    {
        _h = await LifecycleHarness.StartAsync();
        // Healthy readings of each of the three systems (the validation and the watch judge each system).
        _h.Reading = q => HealthyAll(q.ReleaseId);
        _h.MonitorReading = HealthyAll;
    }

    private static HealthReading HealthyAll(string releaseId) => Healthy(releaseId) with
    {
        Systems = [.. new[] { "Ledger", "Payments", "Reports" }.Select(s => Healthy(releaseId).Systems[0] with { System = s })],
    };

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    /// <summary>Ledger and Reports stand alone; Payments is deployed after Ledger.</summary>
    private static ReleasePolicy ThreeSystems(ReleasePolicy policy) => policy with
    {
        Systems = new Dictionary<string, SystemPolicy>
        {
            ["Ledger"] = new() { Description = "General ledger", Approvers = new Dictionary<string, IReadOnlyList<string>>() },
            ["Payments"] = new() { Description = "Payments", Approvers = new Dictionary<string, IReadOnlyList<string>>(), DependsOn = ["Ledger"] },
            ["Reports"] = new() { Description = "Reporting", Approvers = new Dictionary<string, IReadOnlyList<string>>() },
        },
    };

    private static ReleaseRequest Release(string id) => Request(id, ReleaseType.Patch) with { Systems = ["Payments", "Ledger", "Reports"] };

    private (string Environment, bool Rollback, string Systems)[] Asked(string id) =>
        [.. _h.Deployments.Where(d => d.ReleaseId == id).Select(d => (d.Environment, d.Rollback, string.Join("+", d.Systems)))];

    [Fact]
    public async Task Deployment_ThreeSystemsTheLastFailingInProduction_AsksInDependencyOrderAndRollsBackInReverse()
    {
        var id = StepwisePolicies.Id("threesys");
        _h.DeploySystem = (r, system) => r.Environment == "production" && !r.Rollback && system == "Payments" ? EventOutcomes.Failure : EventOutcomes.Success;
        await _h.StartReleaseAsync(Release(id), ThreeSystems(FastPolicy()));
        await _h.SendAllAsync(id, EverythingPasses(id));

        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.RolledBack, outcome.Status);
        Assert.Equal(
            [
                ("integration", false, "Ledger+Reports"), ("integration", false, "Payments"),
                ("staging", false, "Ledger+Reports"), ("staging", false, "Payments"),
                ("production", false, "Ledger+Reports"), ("production", false, "Payments"),
                ("production", true, "Payments"), ("production", true, "Ledger+Reports"),
            ],
            Asked(id));
        Assert.StartsWith("Rolled back: Deployment to production of Payments failure", outcome.Reason, StringComparison.Ordinal);
        var lines = _h.Timeline(id).Select(t => t.Message).ToList();
        Assert.Contains("Deployed to staging of Ledger, Reports.", lines);
        Assert.Contains(lines, l => l.StartsWith("Ledger reported deployed in production (1 of 2; waiting for Reports).", StringComparison.Ordinal)
            || l.StartsWith("Reports reported deployed in production (1 of 2; waiting for Ledger).", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deployment_OneSystemNeverReports_TheEnvironmentIsNotDeployedAndTheTimeoutNamesIt()
    {
        var id = StepwisePolicies.Id("silentsys");
        _h.DeploySystem = (r, system) => r.Environment == "staging" && system == "Reports" ? null : EventOutcomes.Success;
        await _h.StartReleaseAsync(Release(id), ThreeSystems(FastPolicy()), new ReleaseTimings(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(4)));
        await _h.SendAllAsync(id, EverythingPasses(id));

        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Failed, outcome.Status);
        Assert.Equal($"Deployment to staging of Ledger, Reports reported no outcome from Reports within {PolicyTime.Describe(TimeSpan.FromSeconds(4))}.", outcome.Reason);
        Assert.DoesNotContain(Asked(id), a => a.Environment == "production" || a.Systems == "Payments" && a.Environment == "staging");
        Assert.Contains("Ledger reported deployed in staging (1 of 2; waiting for Reports).", _h.Timeline(id).Select(t => t.Message));
    }

    [Fact]
    public async Task Deployment_ThreeSystemsStepwise_EachWaveThroughEveryStepBeforeTheNext()
    {
        var id = StepwisePolicies.Id("wavesteps");
        await _h.StartReleaseAsync(Release(id), ThreeSystems(StepwisePolicies.Stepwise()));
        await _h.SendAllAsync(id, EverythingPasses(id));

        Assert.Equal(ReleaseStatus.Completed, (await _h.OutcomeAsync(id)).Status);
        Assert.Equal(
            [("Ledger+Reports", "idle-slot"), ("Ledger+Reports", "swap"), ("Payments", "idle-slot"), ("Payments", "swap")],
            _h.Deployments.Where(d => d.ReleaseId == id && d.Environment == "production").Select(d => (string.Join("+", d.Systems), d.Step!.Name)));
        Assert.Equal(
            [("idle-slot", "Ledger, Reports"), ("swap", "Ledger, Reports"), ("idle-slot", "Payments"), ("swap", "Payments")],
            (await _h.Store.GetAsync(id))!.Rollout!.Steps.Select(s => (s.Name, s.Systems!)));
    }

    [Fact]
    public void Waves_DependencyNotInTheRelease_IsNotWaitedFor()
    {
        var policy = ThreeSystems(FastPolicy());

        Assert.Equal([["Payments", "Reports"]], DeploymentOrder.Waves(policy, ["Payments", "Reports"]));
        Assert.Equal([["Ledger"], ["Payments"]], DeploymentOrder.Waves(policy, ["Payments", "Ledger"]));
        Assert.Null(DeploymentOrder.Cycle(policy));
    }
}
