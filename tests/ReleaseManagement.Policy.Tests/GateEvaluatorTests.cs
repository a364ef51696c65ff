using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

public class GateEvaluatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static QualityGate Development => Default.QualityGates[GateKind.Development];

    private static GateItem Item(string id) => Default.QualityGates.Values.SelectMany(g => g.Items).Single(i => i.Id == id);

    private static GateItemResult EvaluateItem(string id, GateInputs inputs, IReadOnlyDictionary<string, IReadOnlyList<string>>? approvers = null) =>
        GateEvaluator.EvaluateItem(Item(id), inputs, approvers);

    private static GateInputs Evidence(GateEvidence first, params GateEvidence[] rest) => GateInputs.Empty with { Evidence = [first, .. rest] };

    [Fact]
    public void Evaluate_NoInputs_EveryItemPending()
    {
        var result = GateEvaluator.Evaluate(Development, GateInputs.Empty);

        Assert.Equal(Development.Items.Select(i => i.Id), result.Items.Select(i => i.Item));
        Assert.All(result.Items, i => Assert.Equal(GateVerdict.Pending, i.Verdict));
        Assert.Equal(GateVerdict.Pending, result.Overall);
        Assert.False(result.IsSatisfied);
    }

    [Theory]
    [InlineData(80.0, GateVerdict.Passed)]
    [InlineData(93.5, GateVerdict.Passed)]
    [InlineData(79.99, GateVerdict.Failed)]
    public void EvaluateItem_CoverageAgainstAtLeast80_ComparesWithTheThreshold(double coverage, GateVerdict expected)
    {
        var result = EvaluateItem("test-coverage", Evidence(new("test-coverage", T0, Value: (decimal)coverage, Source: "github")));

        Assert.Equal(expected, result.Verdict);
        if (expected == GateVerdict.Failed)
        {
            Assert.Equal("'test-coverage' is 79.99 % (github); required: at least 80 %.", result.Reason);
        }
    }

    [Theory]
    [InlineData(0, GateVerdict.Passed)]
    [InlineData(1, GateVerdict.Failed)]
    public void EvaluateItem_VulnerabilitiesAgainstAtMostZero_ComparesWithTheThreshold(int count, GateVerdict expected)
    {
        var result = EvaluateItem("security-scan", Evidence(new("security-scan", T0, Value: count)));

        Assert.Equal(expected, result.Verdict);
    }

    [Fact]
    public void EvaluateItem_ThresholdEvidenceWithoutAValue_FailsWithReason()
    {
        var result = EvaluateItem("test-coverage", Evidence(new("test-coverage", T0, Passed: true)));

        Assert.Equal(GateVerdict.Failed, result.Verdict);
        Assert.Contains("has no value to compare", result.Reason);
    }

    [Fact]
    public void EvaluateItem_EvidenceReportedFailed_FailsEvenWithAGoodValue()
    {
        var result = EvaluateItem("test-coverage", Evidence(new("test-coverage", T0, Passed: false, Value: 95)));

        Assert.Equal(GateVerdict.Failed, result.Verdict);
    }

    [Theory]
    [InlineData(true, GateVerdict.Passed)]
    [InlineData(false, GateVerdict.Failed)]
    public void EvaluateItem_PassFailEvidence_FollowsTheOutcome(bool passed, GateVerdict expected)
    {
        Assert.Equal(expected, EvaluateItem("regression-tests", Evidence(new("regression-tests", T0, Passed: passed))).Verdict);
    }

    [Fact]
    public void EvaluateItem_PassFailEvidenceWithoutOutcome_Fails()
    {
        var result = EvaluateItem("regression-tests", Evidence(new("regression-tests", T0, Value: 3)));

        Assert.Equal(GateVerdict.Failed, result.Verdict);
        Assert.Contains("reports no outcome", result.Reason);
    }

    [Fact]
    public void EvaluateItem_LaterEvidence_Supersedes()
    {
        var inputs = Evidence(
            new("unit-tests", T0.AddHours(2), Passed: true),
            new GateEvidence("unit-tests", T0, Passed: false));

        Assert.Equal(GateVerdict.Passed, EvaluateItem("unit-tests", inputs).Verdict);
    }

    [Fact]
    public void EvaluateItem_EvidenceForAnotherItem_IsIgnored()
    {
        Assert.Equal(GateVerdict.Pending, EvaluateItem("unit-tests", Evidence(new("integration-tests", T0, Passed: true))).Verdict);
    }

    [Fact]
    public void EvaluateItem_Attestation_PassesWithTheAttester()
    {
        var inputs = GateInputs.Empty with { Attestations = [new("code-review", "lead@example.com", true, T0, "LGTM")] };

        var result = EvaluateItem("code-review", inputs);

        Assert.Equal(GateVerdict.Passed, result.Verdict);
        Assert.Equal("Attested by lead@example.com: LGTM", result.Reason);
    }

    [Fact]
    public void EvaluateItem_DeclinedAttestation_Fails()
    {
        var inputs = GateInputs.Empty with { Attestations = [new("code-review", "lead@example.com", false, T0, "Missing tests")] };

        var result = EvaluateItem("code-review", inputs);

        Assert.Equal(GateVerdict.Failed, result.Verdict);
        Assert.Equal("lead@example.com declined to attest 'code-review': Missing tests", result.Reason);
    }

    [Fact]
    public void EvaluateItem_AttestationBySomeoneOutsideTheRole_StaysPendingAndSaysWhy()
    {
        var approvers = new Dictionary<string, IReadOnlyList<string>> { [PolicyRoles.TechnicalLead] = ["lead@example.com"] };
        var inputs = GateInputs.Empty with { Attestations = [new("code-review", "intern@example.com", true, T0)] };

        var result = EvaluateItem("code-review", inputs, approvers);

        Assert.Equal(GateVerdict.Pending, result.Verdict);
        Assert.Equal("Awaiting attestation of 'code-review' by technical-lead (intern@example.com may not attest it).", result.Reason);
    }

    [Fact]
    public void EvaluateItem_AttestationByARoleMember_PassesWhenApproversAreGiven()
    {
        var approvers = new Dictionary<string, IReadOnlyList<string>> { [PolicyRoles.TechnicalLead] = ["lead@example.com"] };
        var inputs = GateInputs.Empty with { Attestations = [new("code-review", "LEAD@example.com", true, T0)] };

        Assert.Equal(GateVerdict.Passed, EvaluateItem("code-review", inputs, approvers).Verdict);
    }

    [Fact]
    public void EvaluateItem_ValidWaiverOnAFailure_IsWaived()
    {
        var inputs = new GateInputs(
            [new("test-coverage", T0, Value: 70)],
            [],
            [new("test-coverage", "Generated code excluded next release", "rm@example.com", T0)]);

        var result = EvaluateItem("test-coverage", inputs);

        Assert.Equal(GateVerdict.Waived, result.Verdict);
        Assert.Equal("Waived by rm@example.com: Generated code excluded next release", result.Reason);
    }

    [Fact]
    public void EvaluateItem_ValidWaiverOnAPendingItem_IsWaived()
    {
        var inputs = GateInputs.Empty with { Waivers = [new("documentation", "Docs ship separately", "rm@example.com", T0)] };

        Assert.Equal(GateVerdict.Waived, EvaluateItem("documentation", inputs).Verdict);
    }

    [Fact]
    public void EvaluateItem_PassedItemWithAWaiver_StaysPassed()
    {
        var inputs = new GateInputs([new("unit-tests", T0, Passed: true)], [], [new("unit-tests", "x", "rm@example.com", T0)]);

        Assert.Equal(GateVerdict.Passed, EvaluateItem("unit-tests", inputs).Verdict);
    }

    [Theory]
    [InlineData("", "rm@example.com")]
    [InlineData("Because", "  ")]
    public void EvaluateItem_WaiverWithoutReasonOrApprover_DoesNotCount(string reason, string approver)
    {
        var inputs = new GateInputs([new("unit-tests", T0, Passed: false)], [], [new("unit-tests", reason, approver, T0)]);

        var result = EvaluateItem("unit-tests", inputs);

        Assert.Equal(GateVerdict.Failed, result.Verdict);
        Assert.Contains("without a reason or approver", result.Reason);
    }

    [Fact]
    public void EvaluateItem_WaiverForANonWaivableItem_DoesNotCount()
    {
        var item = Item("security-scan") with { Waivable = false };
        var inputs = new GateInputs([new("security-scan", T0, Value: 2)], [], [new("security-scan", "Accepted risk", "rm@example.com", T0)]);

        var result = GateEvaluator.EvaluateItem(item, inputs);

        Assert.Equal(GateVerdict.Failed, result.Verdict);
        Assert.Contains("may not be waived", result.Reason);
    }

    [Fact]
    public void Evaluate_AllPassedOrWaived_IsSatisfied()
    {
        var inputs = new GateInputs(
            [new("unit-tests", T0, Passed: true), new("test-coverage", T0, Value: 85), new("static-analysis", T0, Passed: true), new("security-scan", T0, Value: 0)],
            [new("code-review", "lead@example.com", true, T0)],
            [new("documentation", "Docs ship separately", "rm@example.com", T0)]);

        var result = GateEvaluator.Evaluate(Development, inputs);

        Assert.Equal(GateVerdict.Passed, result.Overall);
        Assert.True(result.IsSatisfied);
    }

    [Fact]
    public void Evaluate_OneFailureAmongPending_IsFailed()
    {
        var result = GateEvaluator.Evaluate(Development, Evidence(new("unit-tests", T0, Passed: false)));

        Assert.Equal(GateVerdict.Failed, result.Overall);
    }

    [Fact]
    public void Evaluate_SeveralGates_ListsTheirItemsInOrder()
    {
        var gates = new[] { Default.QualityGates[GateKind.Testing], Default.QualityGates[GateKind.Deployment] };

        var result = GateEvaluator.Evaluate(gates, GateInputs.Empty);

        Assert.Equal(gates.SelectMany(g => g.Items).Select(i => i.Id), result.Items.Select(i => i.Item));
    }
}
