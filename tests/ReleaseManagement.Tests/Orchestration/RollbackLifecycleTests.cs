using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;
using static ReleaseManagement.Tests.Orchestration.LifecycleHarness;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>Rollback on demand and after a failed production deployment (issue 13, point 4), on the real Durable replay engine.</summary>
public sealed class RollbackLifecycleTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await LifecycleHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static string Id(string name) => $"{name}-{Guid.NewGuid():N}"[..24];

    private Task RollBackAsync(string id, DeploymentEnvironment? environment = null, string by = "rm@example.com") =>
        _h.Client.RaiseEventAsync(id, ReleaseEventNames.Rollback, new RollbackRequest("customers report errors", by, DateTimeOffset.UtcNow, environment));

    [Fact]
    public async Task RollbackOnDemand_DuringTheWatch_RollsProductionBackAndEndsRolledBackLikeAnAutomaticOne()
    {
        var policy = FastPolicy() with { SuccessCriteria = FastPolicy().SuccessCriteria with { WatchDuration = TimeSpan.FromMinutes(5) } };
        var request = Request(Id("ondemand"), ReleaseType.Patch);
        var id = await _h.StartReleaseAsync(request, policy);
        await _h.SendAllAsync(id, EverythingPasses(id));
        await _h.WaitForAsync(id, r => r.Stage == ReleaseStages.Watch, "the watch");

        await RollBackAsync(id);
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.RolledBack, outcome.Status);
        Assert.Contains("requested by rm@example.com: customers report errors", outcome.Reason);
        var rollback = Assert.Single(_h.Deployments, d => d.ReleaseId == id && d.Rollback);
        Assert.Equal("production", rollback.Environment);
        Assert.Single(_h.Published, p => p.ReleaseId == id && p.Type == ReleaseEventType.ReleaseRolledBack);
        Assert.Contains(_h.Timeline(id), t => t.Kind == TimelineKinds.Rollback && t.Message == "Rolled back in production.");
    }

    [Fact]
    public async Task RollbackOnDemand_OfStaging_RollsItBackAndReturnsToThePromotionIntoStaging()
    {
        _h.Approve = stage => stage == ApprovalStageKeys.PromotionProduction ? null : true;
        var request = Request(Id("staging"), ReleaseType.Minor);
        var id = await _h.StartReleaseAsync(request);
        await _h.SendAllAsync(id, EverythingPasses(id));
        await _h.WaitForAsync(id, r => r.Stage == ApprovalStageKeys.PromotionProduction, "the production approval");

        await RollBackAsync(id, DeploymentEnvironment.Staging);
        await _h.WaitForAsync(id, _ => _h.Deployments.Count(d => d.ReleaseId == id && d.Environment == "staging") == 3, "staging rolled back and deployed again");
        await _h.WaitForAsync(id, r => r.Stage == ApprovalStageKeys.PromotionProduction, "the production approval again");
        await _h.Client.RaiseEventAsync(id, ReleaseEventNames.Cancel, new CancelRequest("test over", "rm@example.com", DateTimeOffset.UtcNow));
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Cancelled, outcome.Status);
        Assert.Equal(
            [("integration", false), ("staging", false), ("staging", true), ("staging", false)],
            _h.Deployments.Where(d => d.ReleaseId == id).Select(d => (d.Environment, d.Rollback)));
        Assert.Contains(_h.Timeline(id), t => t.Kind == TimelineKinds.Rollback && t.Message.Contains("back to the promotion into staging", StringComparison.Ordinal));
        Assert.DoesNotContain(_h.Published, p => p.ReleaseId == id && p.Type == ReleaseEventType.ReleaseRolledBack);
    }

    [Fact]
    public async Task RollbackOnDemand_WithNothingDeployed_IsNotedAndIgnored()
    {
        _h.Approve = _ => null;
        var request = Request(Id("nothing"), ReleaseType.Patch);
        var id = await _h.StartReleaseAsync(request);
        await _h.WaitForAsync(id, r => r.Stage == ApprovalStageKeys.Plan, "the plan approval");

        await RollBackAsync(id);
        await _h.WaitForAsync(id, _ => _h.Timeline(id).Any(t => t.Message == "Rollback requested by rm@example.com ignored: nothing is deployed yet."), "the note");
        await _h.Client.RaiseEventAsync(id, ReleaseEventNames.Cancel, new CancelRequest("test over", "rm@example.com", DateTimeOffset.UtcNow));

        Assert.Equal(ReleaseStatus.Cancelled, (await _h.OutcomeAsync(id)).Status);
        Assert.DoesNotContain(_h.Deployments, d => d.ReleaseId == id);
    }

    [Fact]
    public async Task FailedProductionDeployment_RequestsARollbackByDefault()
    {
        _h.Deploy = (env, rollback) => env == "production" && !rollback ? EventOutcomes.Failure : EventOutcomes.Success;
        var request = Request(Id("prodfail"), ReleaseType.Patch);
        var id = await _h.StartReleaseAsync(request);
        await _h.SendAllAsync(id, EverythingPasses(id));

        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.RolledBack, outcome.Status);
        Assert.Contains("Deployment to production failure", outcome.Reason);
        Assert.Equal(("production", true), _h.Deployments.Where(d => d.ReleaseId == id).Select(d => (d.Environment, d.Rollback)).Last());
        Assert.Single(_h.Published, p => p.ReleaseId == id && p.Type == ReleaseEventType.ReleaseRolledBack);
    }

    [Fact]
    public async Task FailedProductionDeployment_WithRollbackOff_OnlyFails()
    {
        _h.Deploy = (env, rollback) => env == "production" && !rollback ? EventOutcomes.Failure : EventOutcomes.Success;
        var policy = FastPolicy() with { Deployment = new DeploymentPolicy { RollbackOnFailedProductionDeployment = false } };
        var request = Request(Id("prodfailoff"), ReleaseType.Patch);
        var id = await _h.StartReleaseAsync(request, policy);
        await _h.SendAllAsync(id, EverythingPasses(id));

        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Failed, outcome.Status);
        Assert.DoesNotContain(_h.Deployments, d => d.ReleaseId == id && d.Rollback);
    }
}
