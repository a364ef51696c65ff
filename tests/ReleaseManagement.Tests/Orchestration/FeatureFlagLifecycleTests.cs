using ReleaseManagement.Orchestration;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;
using static ReleaseManagement.Tests.Orchestration.LifecycleHarness;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>
/// A release's feature flags on the real Durable replay engine (lifecycle version 2): turned on step by step after the
/// post-deployment validation, each step but the last checked like the deployment; a breach turns them off and rolls back.
/// </summary>
public sealed class FeatureFlagLifecycleTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await LifecycleHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static ReleaseRequest WithFlags(string id) => Request(id, ReleaseType.Patch) with
    {
        FeatureFlags = [new FeatureFlag("new-checkout", [5, 25, 100]), new FeatureFlag("dark-mode", [100])],
    };

    private (string Flag, bool On, int Percentage)[] Changes(string id) =>
        [.. _h.FeatureFlagChanges.Where(c => c.ReleaseId == id).Select(c => (c.Flag, c.Enabled, c.Enabled ? c.Percentage : 0))];

    [Fact]
    public async Task FeatureFlags_TwoFlags_TurnedOnStepByStepEachStepCheckedBeforeTheNext()
    {
        var id = StepwisePolicies.Id("flagson");
        await _h.StartReleaseAsync(WithFlags(id), FastPolicy());
        await _h.SendAllAsync(id, EverythingPasses(id));

        Assert.Equal(ReleaseStatus.Completed, (await _h.OutcomeAsync(id)).Status);
        Assert.Equal([("new-checkout", true, 5), ("new-checkout", true, 25), ("new-checkout", true, 100), ("dark-mode", true, 100)], Changes(id));
        // The validation, then one check after each step but a flag's last.
        Assert.Equal(3, _h.HealthChecks.Count(q => q.ReleaseId == id));
        var lines = _h.Timeline(id).Select(t => t.Message).ToList();
        Assert.True(lines.IndexOf("Post-deployment validation passed.") < lines.IndexOf("Feature flag new-checkout on for 5 % (step 1 of 3)."), string.Join(Environment.NewLine, lines));
        Assert.Contains("Feature flag new-checkout at 5 % passed.", lines);
        Assert.Contains("Feature flag new-checkout at 25 % passed.", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("Feature flag dark-mode at 100 %", StringComparison.Ordinal));
        Assert.Distinct(_h.FeatureFlagChanges.Where(c => c.ReleaseId == id).Select(c => c.RequestId));
    }

    [Fact]
    public async Task FeatureFlags_BreachAtTheFirstStep_TurnsTheFlagOffThenRollsProductionBack()
    {
        var id = StepwisePolicies.Id("flagbreach");
        var checks = 0;
        // The validation reads healthy; the check after the flag's first step reads half the requests failing.
        _h.Reading = q => q.ReleaseId == id && Interlocked.Increment(ref checks) == 2
            ? Healthy(q.ReleaseId) with { Systems = [Healthy(q.ReleaseId).Systems[0] with { ErrorRatePercent = 50m }] }
            : Healthy(q.ReleaseId);
        await _h.StartReleaseAsync(WithFlags(id), FastPolicy());
        await _h.SendAllAsync(id, EverythingPasses(id));

        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.RolledBack, outcome.Status);
        Assert.Equal([("new-checkout", true, 5), ("new-checkout", false, 0)], Changes(id));
        Assert.Equal(("production", true), _h.Deployments.Where(d => d.ReleaseId == id).Select(d => (d.Environment, d.Rollback)).Last());
        var lines = _h.Timeline(id).Select(t => t.Message).ToList();
        Assert.Contains(lines, l => l.StartsWith("Feature flag new-checkout at 5 % breached:", StringComparison.Ordinal));
        Assert.True(lines.IndexOf("Feature flag new-checkout turned off before the rollback.") < lines.FindIndex(l => l.StartsWith("Rollback of production requested", StringComparison.Ordinal)),
            string.Join(Environment.NewLine, lines));
    }
}
