using ReleaseManagement.Activities;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;
using static ReleaseManagement.Tests.Orchestration.LifecycleHarness;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>
/// The change category's approval route, the risk level's testing depth and rollout, the Planning gate, and approvals
/// while a gate fails, on the real Durable replay engine.
/// </summary>
public sealed class ReleaseControlLifecycleTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await LifecycleHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static string Id(string name) => $"{name}-{Guid.NewGuid():N}"[..24];



    private IReadOnlyList<RequestApprovalsInput> Asked(string id) => _h.ApprovalRequests.Where(a => a.ReleaseId == id).ToArray();

    [Fact]
    public async Task StandardChange_LowRisk_SkipsThePlanApprovalAsPreApprovedAndTheOptionalBenchmarks()
    {
        var request = Request(Id("standard"), ReleaseType.Minor) with { ChangeCategory = ChangeCategory.Standard, Impact = RiskRating.Low, Probability = RiskRating.Low };
        var id = await _h.StartReleaseAsync(request);
        await _h.SendAllAsync(id, EverythingPasses(id));

        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        Assert.Equal(
            [ApprovalStageKeys.PromotionIntegration, ApprovalStageKeys.PromotionStaging, ApprovalStageKeys.PromotionProduction],
            Asked(id).Select(a => a.Stage));
        var skipped = Assert.Single(_h.ClosedStages, c => c.ReleaseId == id && c.Skipped);
        Assert.Equal(ApprovalStageKeys.Plan, skipped.Stage);
        var timeline = _h.Timeline(id);
        Assert.Contains(timeline, t => t.Kind == TimelineKinds.Approval && t.Message == "Pre-approved: Standard change (plan approval is not on its approval route).");
        Assert.Contains(timeline, t => t.Kind == TimelineKinds.Gate && t.Message == "Gate gate:production: performance-benchmarks not required at Low risk (Basic testing).");
        Assert.All(_h.Deployments.Where(d => d.ReleaseId == id), d => Assert.Equal("blue-green", d.Strategy));
    }

    [Fact]
    public async Task ReclassifiedHighRiskChange_NeedsTheReleaseManagerTheExtensiveTestsAndDeploysByCanary()
    {
        var request = Request(Id("high"), ReleaseType.Minor) with
        {
            ChangeCategory = ChangeCategory.Normal, ReclassifiedFrom = ChangeCategory.Standard, Impact = RiskRating.High, Probability = RiskRating.High,
        };
        var id = await _h.StartReleaseAsync(request);
        await _h.SendAllAsync(id, EverythingPasses(id));

        // The production gate waits for the items the High level adds to the Testing gate.
        await _h.WaitForAsync(id, r => r.Stage == ReleaseStages.Gate(DeploymentEnvironment.Production)
            && r.Gates?.Any(g => g.Item == "load-testing" && g.Verdict == "Pending") == true, "the extensive testing items pending");
        Assert.DoesNotContain(_h.Deployments, d => d.ReleaseId == id && d.Environment == "production");
        await _h.RaiseAsync(id, Evidence(id, "load-testing"));
        await _h.RaiseAsync(id, Evidence(id, "penetration-testing", value: 0));
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        var plan = Asked(id).First();
        Assert.Equal(ApprovalStageKeys.Plan, plan.Stage);
        Assert.Contains(plan.Approvers, a => a.Role == PolicyRoles.ReleaseManager); // the High level's extra approval
        Assert.StartsWith("High (impact High, probability High): Extensive testing, phased rollout; testing depth Extensive", plan.Risk, StringComparison.Ordinal);
        Assert.Equal(["integration", "staging", "production"], _h.Deployments.Where(d => d.ReleaseId == id).Select(d => d.Environment));
        Assert.All(_h.Deployments.Where(d => d.ReleaseId == id), d => Assert.Equal("canary", d.Strategy));
        Assert.Contains(_h.Timeline(id), t => t.Message == "Reclassified from a Standard to a Normal change: risk High is above what a Standard change accepts (Low).");
    }

    [Fact]
    public async Task MediumRisk_DeploysBlueGreenWithoutTheReleaseManagersPlanApproval()
    {
        var request = Request(Id("medium"), ReleaseType.Patch);
        var id = await _h.StartReleaseAsync(request);
        await _h.SendAllAsync(id, EverythingPasses(id));

        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        Assert.DoesNotContain(Asked(id).First().Approvers, a => a.Role == PolicyRoles.ReleaseManager);
        Assert.All(_h.Deployments.Where(d => d.ReleaseId == id), d => Assert.Equal("blue-green", d.Strategy));
    }

    [Fact]
    public async Task MajorChange_CategoryExtraRoles_AreAskedForThePlan()
    {
        var policy = FastPolicy() with
        {
            ChangeCategories = FastPolicy().ChangeCategories.ToDictionary(kv => kv.Key, kv => kv.Key == ChangeCategory.Major ? kv.Value with { ExtraApprovalRoles = [PolicyRoles.QaLead] } : kv.Value),
        };
        var request = Request(Id("major"), ReleaseType.Major);
        var id = await _h.StartReleaseAsync(request, policy);
        await _h.SendAllAsync(id, EverythingPasses(id));

        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        var plan = Asked(id).First();
        Assert.Equal(ApprovalStageKeys.Plan, plan.Stage);
        Assert.Equal([PolicyRoles.Executive, PolicyRoles.QaLead, PolicyRoles.Stakeholder], plan.Approvers.Select(a => a.Role).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(4, Asked(id).Count);
    }

    [Fact]
    public async Task EmergencyChange_AsksOnlyTheEmergencyStageAndSkipsNothing()
    {
        var request = Request(Id("emergency"), ReleaseType.Hotfix);
        var id = await _h.StartReleaseAsync(request);
        await _h.WaitForAsync(id, r => r.Phase == ReleasePhase.Promotion, "promotion");

        Assert.Equal([ApprovalStageKeys.Emergency], Asked(id).Select(a => a.Stage));
        Assert.DoesNotContain(_h.ClosedStages, c => c.ReleaseId == id && c.Skipped);
        await _h.Client.TerminateInstanceAsync(id);
    }

    [Fact]
    public async Task PlanningGate_NotBlocking_IsShownToThePlanApproversAsInformation()
    {
        var request = Request(Id("planinfo"), ReleaseType.Patch);
        var id = await _h.StartReleaseAsync(request);
        await _h.SendAllAsync(id, EverythingPasses(id));

        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        var plan = Asked(id).First();
        Assert.Equal(ReleasePolicyDefaults.Create().Planning.Gate.Items.Select(i => i.Id), plan.Gates!.Select(g => g.Item));
        Assert.All(plan.Gates!, g => Assert.Equal("Pending", g.Verdict));
        Assert.Null(plan.ApproveBlockedBy);
        Assert.Equal("Pending: 8 pending", plan.GateSummary);
        // A promotion stage shows its own gate, passed by the time approvers are asked.
        var integration = Asked(id).First(a => a.Stage == ApprovalStageKeys.PromotionIntegration);
        Assert.Contains(integration.Gates!, g => g.Item == "code-review" && g.Verdict == "Passed" && g.Reason!.Contains("lead@example.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PlanningGate_Blocking_ThePlanApprovalWaitsForTheChecklist()
    {
        var policy = FastPolicy() with { Planning = FastPolicy().Planning with { Blocking = true } };
        var request = Request(Id("planblock"), ReleaseType.Patch);
        var id = await _h.StartReleaseAsync(request, policy);

        await _h.WaitForAsync(id, r => r.Stage == ReleaseStages.Planning && r.Gates?.Count == 8, "the planning gate");
        Assert.Empty(Asked(id));
        foreach (var item in policy.Planning.Gate.Items)
        {
            await _h.RaiseAsync(id, Attestation(id, item.Id, "rm@example.com"));
        }

        await _h.SendAllAsync(id, EverythingPasses(id));
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        var plan = Asked(id).First();
        Assert.Equal(ApprovalStageKeys.Plan, plan.Stage);
        Assert.All(plan.Gates!, g => Assert.Equal("Passed", g.Verdict));
    }

    [Fact]
    public async Task GateFailingDuringApproval_ApprovalIsRefusedUntilTheGatePassesAgain()
    {
        _h.Approve = stage => stage == ApprovalStageKeys.PromotionIntegration ? null : true;
        var request = Request(Id("failing"), ReleaseType.Patch);
        var id = await _h.StartReleaseAsync(request);
        await _h.SendAllAsync(id, EverythingPasses(id));
        await _h.WaitForAsync(id, r => r.PendingApprovals?.Any(p => p.Stage == ApprovalStageKeys.PromotionIntegration) == true, "integration approval pending");

        await _h.RaiseAsync(id, Evidence(id, "unit-tests", passed: false));
        await _h.WaitForAsync(id, r => r.PendingApprovals?.SingleOrDefault()?.ApproveBlockedBy is { } b && b.Contains("(unit-tests)", StringComparison.Ordinal), "approvals blocked");
        await _h.DecideAsync(id, ApprovalStageKeys.PromotionIntegration, "lead@example.com", true);
        await _h.WaitForAsync(id, _ => _h.Timeline(id).Any(t => t.Message.StartsWith("Approval by lead@example.com on promotion:integration refused: the gate is failing (unit-tests)", StringComparison.Ordinal)), "the refusal");
        Assert.DoesNotContain(_h.Deployments, d => d.ReleaseId == id);

        await _h.RaiseAsync(id, Evidence(id, "unit-tests"));
        await _h.WaitForAsync(id, r => r.PendingApprovals?.SingleOrDefault() is { ApproveBlockedBy: null }, "approvals accepted again");
        await _h.DecideAsync(id, ApprovalStageKeys.PromotionIntegration, "lead@example.com", true);
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
    }

    [Fact]
    public async Task GateFailingDuringApproval_WhenTheRuleAllowsIt_TheApprovalCountsAndTheDeploymentWaitsForTheGate()
    {
        _h.Approve = stage => stage == ApprovalStageKeys.PromotionIntegration ? null : true;
        var policy = FastPolicy() with
        {
            Approvals = FastPolicy().Approvals.ToDictionary(kv => kv.Key, kv => kv.Key == ApprovalStageKeys.PromotionIntegration ? kv.Value with { AllowWithFailingGates = true } : kv.Value),
        };
        var request = Request(Id("allowed"), ReleaseType.Patch);
        var id = await _h.StartReleaseAsync(request, policy);
        await _h.SendAllAsync(id, EverythingPasses(id));
        await _h.WaitForAsync(id, r => r.PendingApprovals?.Any(p => p.Stage == ApprovalStageKeys.PromotionIntegration) == true, "integration approval pending");

        await _h.RaiseAsync(id, Evidence(id, "unit-tests", passed: false));
        await _h.WaitForAsync(id, r => r.PendingApprovals?.SingleOrDefault()?.Gates?.Any(g => g.Item == "unit-tests" && g.Verdict == "Failed") == true, "the failure shown");
        await _h.DecideAsync(id, ApprovalStageKeys.PromotionIntegration, "lead@example.com", true);

        // The approval counts, but does not lift the gate: the check before the deployment holds it until the gate passes.
        await _h.WaitForAsync(id, r => r.Stage == ReleaseStages.Gate(DeploymentEnvironment.Integration) && r.PendingApprovals is { Count: 0 }, "approved, the gate checked again");
        Assert.DoesNotContain(_h.Deployments, d => d.ReleaseId == id && d.Environment == "integration");
        await _h.RaiseAsync(id, Evidence(id, "unit-tests"));
        await _h.WaitForAsync(id, _ => _h.Deployments.Any(d => d.ReleaseId == id && d.Environment == "integration"), "deployed to integration");
        Assert.DoesNotContain(_h.Timeline(id), t => t.Message.Contains("refused", StringComparison.Ordinal));
        await _h.Client.TerminateInstanceAsync(id);
    }
}
