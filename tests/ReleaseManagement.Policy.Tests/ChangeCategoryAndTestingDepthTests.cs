using ReleaseManagement.Releases;
using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

/// <summary>
/// The change category's approval route, extra roles and maximum risk (request-time rules), the risk level's testing
/// depth as gate items, and whether a failing gate blocks an approval: pure decisions on the policy.
/// </summary>
public sealed class ChangeCategoryAndTestingDepthTests
{
    /// <summary>Friday 2026-11-27, 10:00 in New York; 2026-12-29 is a Tuesday 32 days out (a Minor's horizon).</summary>
    private static readonly DateTimeOffset Now = NewYorkTime(2026, 11, 27, 10);

    private static ReleaseRequest Minor(ChangeCategory? category, RiskRating impact = RiskRating.Low, RiskRating probability = RiskRating.Low) =>
        new("r-1", "A release", ReleaseType.Minor, ["Billing"], new DateOnly(2026, 12, 29), "dev@example.com", null, category, impact, probability);

    private static ReleasePolicy WithCategory(ChangeCategory category, Func<ChangeCategoryPolicy, ChangeCategoryPolicy> change)
    {
        var policy = WithApprovers();
        var categories = policy.ChangeCategories.ToDictionary(kv => kv.Key, kv => kv.Value);
        categories[category] = change(categories[category]);
        return policy with { ChangeCategories = categories };
    }

    private static RiskAssessment Risk(ReleasePolicy policy, RiskRating level) => RiskEvaluator.Assess(policy.RiskMatrix, level, level);

    [Fact]
    public void Validate_StandardAssessedHigh_IsReclassifiedAsNormalByTheDefaults()
    {
        var result = ReleaseRequestPolicyRules.Validate(WithApprovers(), Minor(ChangeCategory.Standard, RiskRating.High, RiskRating.High), Now);

        Assert.True(result.IsValid, string.Join("; ", result.Errors.SelectMany(e => e.Value)));
        Assert.Equal(ChangeCategory.Normal, result.Value!.EffectiveChangeCategory);
        Assert.Equal(ChangeCategory.Standard, result.Value.ReclassifiedFrom);
    }

    [Fact]
    public void Validate_StandardAssessedMediumWhenTheCategoryRefuses_IsRefusedWithTheReason()
    {
        var policy = WithCategory(ChangeCategory.Standard, c => c with { OnRiskAboveMax = RiskAboveMaxRule.Refuse });

        var result = ReleaseRequestPolicyRules.Validate(policy, Minor(ChangeCategory.Standard, RiskRating.Medium, RiskRating.Medium), Now);

        Assert.False(result.IsValid);
        Assert.Equal(["changeCategory"], result.Errors.Keys);
        Assert.Equal(
            "A Standard change accepts risk up to Low, but it is assessed Medium (impact Medium, probability Medium): request it as another change category, or lower the assessed impact or probability.",
            result.Errors["changeCategory"].Single());
    }

    [Fact]
    public void Validate_StandardAssessedLow_StaysStandard()
    {
        var request = Minor(ChangeCategory.Standard);

        var result = ReleaseRequestPolicyRules.Validate(WithApprovers(), request, Now);

        Assert.True(result.IsValid);
        Assert.Same(request, result.Value);
        Assert.Null(result.Value!.ReclassifiedFrom);
    }

    [Fact]
    public void Validate_ReclassifiedIntoACategoryThatRefusesTheType_SaysSo()
    {
        var policy = WithCategory(ChangeCategory.Standard, c => c with { ReclassifyAs = ChangeCategory.Major });

        var result = ReleaseRequestPolicyRules.Validate(policy, Minor(ChangeCategory.Standard, RiskRating.High, RiskRating.High), Now);

        Assert.StartsWith("A Major change may not ship as a Minor release", result.Errors["changeCategory"].Single());
    }

    [Fact]
    public void Validate_StandardChange_NeedsNoApproverForThePreApprovedPlanStage()
    {
        // Only the plan needs a change board here; a Standard change skips the plan, a Normal one does not.
        var policy = WithApprovers() with
        {
            ReleaseTypes = WithApprovers().ReleaseTypes.ToDictionary(kv => kv.Key, kv => kv.Key == ReleaseType.Minor ? kv.Value with { ApprovalRoles = ["change-board"] } : kv.Value),
        };

        var standard = ReleaseRequestPolicyRules.Validate(policy, Minor(ChangeCategory.Standard), Now);
        var normal = ReleaseRequestPolicyRules.Validate(policy, Minor(ChangeCategory.Normal), Now);

        Assert.True(standard.IsValid, string.Join("; ", standard.Errors.SelectMany(e => e.Value)));
        Assert.Equal(["approvers.change-board"], normal.Errors.Keys);
        Assert.Contains("'plan'", normal.Errors["approvers.change-board"].Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CategoryWithExtraRoles_NeedsSomeoneForThem()
    {
        var policy = WithCategory(ChangeCategory.Normal, c => c with { ExtraApprovalRoles = ["auditor"] });

        var result = ReleaseRequestPolicyRules.Validate(policy, Minor(ChangeCategory.Normal), Now);

        Assert.Equal(["approvers.auditor"], result.Errors.Keys);
    }

    [Fact]
    public void Validate_HighRisk_NeedsTheReleaseManagerForThePlan()
    {
        var policy = WithApprovers() with
        {
            Approvers = WithApprovers().Approvers.Where(kv => kv.Key != PolicyRoles.ReleaseManager).ToDictionary(kv => kv.Key, kv => kv.Value),
        };
        var request = Minor(ChangeCategory.Normal, RiskRating.High, RiskRating.High);

        var result = ReleaseRequestPolicyRules.Validate(policy, request, Now);

        Assert.Contains("'plan'", result.Errors["approvers.release-manager"].Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ChangeCategory.Standard, new[] { "promotion:integration", "promotion:staging", "promotion:production" }, new[] { "plan" })]
    [InlineData(ChangeCategory.Normal, new[] { "plan", "promotion:integration", "promotion:staging", "promotion:production" }, new string[0])]
    public void ApprovalPlan_MinorOfCategory_KeepsTheStagesOfItsRoute(ChangeCategory category, string[] stages, string[] skipped)
    {
        var policy = Default;
        var request = Minor(category);

        var plan = ApprovalPlan.For(policy, request, Risk(policy, RiskRating.Low), null);
        Assert.Equal(stages, plan.Stages.Select(r => r.Key));
        Assert.Equal(skipped, plan.Skipped);
    }

    [Fact]
    public void ApprovalPlan_MajorChange_AddsTheCategorysRolesToThePlan()
    {
        var policy = WithCategory(ChangeCategory.Major, c => c with { ExtraApprovalRoles = [PolicyRoles.QaLead] });
        var request = new ReleaseRequest("m", "Major", ReleaseType.Major, ["Billing"], new DateOnly(2027, 3, 2));

        var plan = ApprovalPlan.For(policy, request, Risk(policy, RiskRating.Medium), null).Stages.First();

        Assert.Equal(ApprovalStageKeys.Plan, plan.Key);
        Assert.Equal([PolicyRoles.Executive, PolicyRoles.Stakeholder, PolicyRoles.QaLead], plan.Value.RequiredRoles);
    }

    [Fact]
    public void ApprovalPlan_EmergencyChange_IsTheEmergencyStageOnly()
    {
        var policy = Default;
        var request = new ReleaseRequest("h", "Hotfix", ReleaseType.Hotfix, ["Billing"], new DateOnly(2026, 11, 27));

        var plan = ApprovalPlan.For(policy, request, Risk(policy, RiskRating.High), null);
        Assert.Equal([ApprovalStageKeys.Emergency], plan.Stages.Select(r => r.Key));
        Assert.Contains(PolicyRoles.ReleaseManager, plan.Plan.RequiredRoles);
    }

    [Fact]
    public void ReleaseGates_HighRisk_AddsTheExtensiveTestingItemsToTheTestingGate()
    {
        var policy = Default;

        var gate = ReleaseGates.For(policy, Risk(policy, RiskRating.High), [GateKind.Testing, GateKind.Deployment], []);

        Assert.Contains(gate.Gate.Items, i => i.Id == "load-testing");
        Assert.Contains(gate.Gate.Items, i => i.Id == "penetration-testing");
        Assert.Contains(gate.Gate.Items, i => i.Id == "performance-benchmarks");
        Assert.Empty(gate.Skipped);
    }

    [Fact]
    public void ReleaseGates_HighRisk_LeavesAGateItAddsNothingToAsItIs()
    {
        var policy = Default;

        var gate = ReleaseGates.For(policy, Risk(policy, RiskRating.High), [GateKind.Development], []);

        Assert.Equal(policy.QualityGates[GateKind.Development].Items.Select(i => i.Id), gate.Gate.Items.Select(i => i.Id));
    }

    [Fact]
    public void ReleaseGates_LowRisk_SkipsTheOptionalBenchmarks()
    {
        var policy = Default;

        var gate = ReleaseGates.For(policy, Risk(policy, RiskRating.Low), [GateKind.Testing, GateKind.Deployment], []);

        Assert.DoesNotContain(gate.Gate.Items, i => i.Id == "performance-benchmarks");
        Assert.DoesNotContain(gate.Gate.Items, i => i.Id == "load-testing");
        Assert.Equal(["performance-benchmarks"], gate.Skipped);
    }

    [Fact]
    public void ReleaseGates_MediumRisk_IsTheGatesAsDefinedPlusTheExtraChecks()
    {
        var policy = Default;

        var gate = ReleaseGates.For(policy, Risk(policy, RiskRating.Medium), [], ["integration-tests", "security-testing"]);

        Assert.Equal(["integration-tests", "security-testing"], gate.Gate.Items.Select(i => i.Id));
    }

    [Fact]
    public void GateItemInputs_PlanningAndRiskItems_AreItemsTheEvidenceApiAccepts()
    {
        var policy = Default;

        Assert.Equal([PolicyRoles.ReleaseManager], GateItemInputs.Find(policy, "planning-scope")!.AttestationRoles);
        Assert.True(GateItemInputs.Find(policy, "planning-rollback-plan")!.Waivable);
        Assert.Equal(GateSatisfaction.Evidence, GateItemInputs.Find(policy, "load-testing")!.SatisfiedBy);
        Assert.Equal(8, policy.Planning.Gate.Items.Count);
        Assert.False(policy.Planning.Blocking);
    }

    [Fact]
    public void BlockedBy_FailingGateAndTheDefaultRule_SaysWhichItemFails()
    {
        var gates = new GateEvaluation([new("unit-tests", GateVerdict.Failed, "'unit-tests' failed."), new("backup", GateVerdict.Waived, "Waived by rm")]);
        var rule = Default.Approvals[ApprovalStageKeys.PromotionIntegration];

        var blocked = ApprovalGates.BlockedBy(gates, rule, gateBlocks: true);

        Assert.NotNull(blocked);
        Assert.Contains("(unit-tests)", blocked, StringComparison.Ordinal);
        Assert.Null(ApprovalGates.BlockedBy(gates, rule with { AllowWithFailingGates = true }, gateBlocks: true));
        Assert.Null(ApprovalGates.BlockedBy(gates, rule, gateBlocks: false));
    }

    [Fact]
    public void BlockedBy_PendingOrWaivedGate_DoesNotBlock()
    {
        var gates = new GateEvaluation([new("unit-tests", GateVerdict.Pending, null), new("backup", GateVerdict.Waived, "Waived by rm")]);

        Assert.Null(ApprovalGates.BlockedBy(gates, Default.Approvals[ApprovalStageKeys.Plan], gateBlocks: true));
    }

    [Fact]
    public void Validator_ReclassifyWithoutATarget_IsAnError()
    {
        var policy = WithCategory(ChangeCategory.Standard, c => c with { ReclassifyAs = null });

        var errors = PolicyFileValidator.Validate(policy);

        Assert.Contains(errors, e => e.Path == "$.changeCategories.Standard.reclassifyAs");
    }

    [Fact]
    public void Validator_RiskItemReusingAGateItemsId_AndAnUnknownOptionalItem_AreErrors()
    {
        var policy = Default;
        var mitigations = policy.RiskMatrix.Mitigations.ToDictionary(kv => kv.Key, kv => kv.Value);
        mitigations[RiskRating.Medium] = mitigations[RiskRating.Medium] with
        {
            RequiredItems = new Dictionary<GateKind, IReadOnlyList<GateItem>> { [GateKind.Testing] = [policy.QualityGates[GateKind.Development].Items[1]] },
            OptionalItems = ["no-such-item"],
        };

        var errors = PolicyFileValidator.Validate(policy with { RiskMatrix = policy.RiskMatrix with { Mitigations = mitigations } });

        Assert.Contains(errors, e => e.Path == "$.riskMatrix.mitigations.Medium.requiredItems.Testing[0].id");
        Assert.Contains(errors, e => e.Path == "$.riskMatrix.mitigations.Medium.optionalItems[0]");
    }

    [Fact]
    public void Validator_Defaults_AreValid()
    {
        Assert.Empty(PolicyFileValidator.Validate(Default));
    }
}
