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
    public async Task Plan_InputAddsTheReleaseManager_ReleaseManagerIsAskedAndDecides()
    {
        var request = Request($"cadence-{Guid.NewGuid():N}"[..24], ReleaseType.Patch);
        _h.Approve = stage => stage == ApprovalStageKeys.Plan ? null : true;

        var warning = new ReleaseWarning(AdmissionWarnings.OverCadence, "Over the Patch cadence: less than 14 days from an earlier patch.", DateTimeOffset.UtcNow);
        var id = await _h.StartReleaseAsync(request, extraPlanApprovalRoles: [PolicyRoles.ReleaseManager], admissionWarnings: [warning]);
        await _h.WaitForAsync(id, r => r.PendingApprovals?.Any(p => p.Stage == ApprovalStageKeys.Plan) == true, "the plan approval to be asked");
        Assert.Contains(_h.Timeline(id), t => t.Kind == TimelineKinds.Warning && t.Message == warning.Message);

        var plan = _h.ApprovalRequests.First(a => a.ReleaseId == id);
        Assert.Equal(ApprovalStageKeys.Plan, plan.Stage);
        Assert.Equal([PolicyRoles.ReleaseManager, PolicyRoles.TechnicalLead], plan.Approvers.Select(a => a.Role).Distinct().Order(StringComparer.Ordinal));

        // The technical lead's approval alone does not decide the plan: the release manager's later rejection still counts
        // (were the release manager not required, the stage would be approved already and the rejection noted as late).
        await _h.DecideAsync(id, ApprovalStageKeys.Plan, People[PolicyRoles.TechnicalLead][0], approve: true);
        await _h.DecideAsync(id, ApprovalStageKeys.Plan, People[PolicyRoles.ReleaseManager][0], approve: false, comment: "Too soon after the last patch");
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Rejected, outcome.Status);
        Assert.Contains(ApprovalStageKeys.Plan, outcome.Reason, StringComparison.Ordinal);
        Assert.Contains(_h.ClosedStages, c => c.ReleaseId == id && c.Stage == ApprovalStageKeys.Plan);
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
