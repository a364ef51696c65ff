using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;
using static ReleaseManagement.Tests.Orchestration.LifecycleHarness;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>
/// <c>frequencyRule: RequireApproval</c> on the real Durable replay engine: the release manager the request handler adds
/// through the orchestration input joins the plan approval, and must decide before the plan is approved.
/// </summary>
public sealed class CadenceApprovalLifecycleTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await LifecycleHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Plan_InputAddsTheReleaseManager_ReleaseManagerIsAskedAndMustApprove()
    {
        var request = Request($"cadence-{Guid.NewGuid():N}"[..24], ReleaseType.Patch);
        _h.Approve = stage => stage == ApprovalStageKeys.Plan ? null : true;

        var id = await _h.StartReleaseAsync(request, extraPlanApprovalRoles: [PolicyRoles.ReleaseManager]);
        await _h.WaitForAsync(id, r => r.PendingApprovals?.Any(p => p.Stage == ApprovalStageKeys.Plan) == true, "the plan approval to be asked");

        var plan = _h.ApprovalRequests.First(a => a.ReleaseId == id);
        Assert.Equal(ApprovalStageKeys.Plan, plan.Stage);
        Assert.Equal([PolicyRoles.ReleaseManager, PolicyRoles.TechnicalLead], plan.Approvers.Select(a => a.Role).Distinct().Order(StringComparer.Ordinal));

        // The technical lead alone does not approve the plan: the release manager is still missing.
        await _h.DecideAsync(id, ApprovalStageKeys.Plan, People[PolicyRoles.TechnicalLead][0], approve: true);
        await _h.WaitForAsync(id, r => r.PendingApprovals?.SingleOrDefault(p => p.Stage == ApprovalStageKeys.Plan)?.MissingRoles.SequenceEqual([PolicyRoles.ReleaseManager]) == true,
            "only the release manager to be missing");
        await _h.DecideAsync(id, ApprovalStageKeys.Plan, People[PolicyRoles.ReleaseManager][0], approve: true);
        await _h.WaitForAsync(id, r => r.PendingApprovals?.Any(p => p.Stage == ApprovalStageKeys.Plan) != true, "the plan to be approved");
        Assert.Contains(_h.ClosedStages, c => c.ReleaseId == id && c.Stage == ApprovalStageKeys.Plan);

        await _h.Client.TerminateInstanceAsync(id);
    }

    [Fact]
    public async Task Plan_InputWithoutExtraRoles_AsksOnlyTheTypesRoles()
    {
        var request = Request($"nocadence-{Guid.NewGuid():N}"[..24], ReleaseType.Patch);
        _h.Approve = stage => stage == ApprovalStageKeys.Plan ? null : true;

        var id = await _h.StartReleaseAsync(request);
        await _h.WaitForAsync(id, r => r.PendingApprovals?.Any(p => p.Stage == ApprovalStageKeys.Plan) == true, "the plan approval to be asked");

        Assert.Equal([PolicyRoles.TechnicalLead], _h.ApprovalRequests.First(a => a.ReleaseId == id).Approvers.Select(a => a.Role).Distinct());
        await _h.Client.TerminateInstanceAsync(id);
    }
}
