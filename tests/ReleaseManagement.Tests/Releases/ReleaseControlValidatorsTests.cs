using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Tests.Releases;

public class CancelRequestValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Validate_ReasonAndPerson_ReturnsTrimmedCancelAtNow()
    {
        var result = CancelRequestValidator.Validate(new CancelBody("  Scope moved  ", " rm@example.com "), Now);

        Assert.True(result.IsValid);
        Assert.Equal("Scope moved", result.Value!.Reason);
        Assert.Equal("rm@example.com", result.Value.By);
        Assert.Equal(Now, result.Value.At);
    }

    [Fact]
    public void Validate_EmptyBody_ReportsReasonAndBy()
    {
        var result = CancelRequestValidator.Validate(new CancelBody(), Now);

        Assert.False(result.IsValid);
        Assert.Equal(["reason", "by"], result.Errors.Keys);
        Assert.Equal(["The reason is required."], result.Errors["reason"]);
        Assert.Equal(["'by' is required: the email address of the person acting."], result.Errors["by"]);
    }

    [Fact]
    public void Validate_NullBody_ReportsBody()
    {
        var result = CancelRequestValidator.Validate(null, Now);

        Assert.Equal(["body"], result.Errors.Keys);
    }

    [Fact]
    public void Validate_ReasonTooLongAndByNotAnAddress_ReportsBoth()
    {
        var result = CancelRequestValidator.Validate(new CancelBody(new string('x', RequestFields.MaxReasonLength + 1), "Ann <ann@example.com>"), Now);

        Assert.Equal([$"'reason' must be at most {RequestFields.MaxReasonLength} characters."], result.Errors["reason"]);
        Assert.Equal(["'by' must be an email address."], result.Errors["by"]);
    }
}

public class RescheduleRequestValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Validate_DatePersonAndReason_ReturnsTheReschedule()
    {
        var result = RescheduleRequestValidator.Validate(new RescheduleBody(" 2026-12-15 ", "rm@example.com", " Vendor late "), Now);

        Assert.True(result.IsValid);
        Assert.Equal(new DateOnly(2026, 12, 15), result.Value!.TargetDate);
        Assert.Equal("rm@example.com", result.Value.By);
        Assert.Equal("Vendor late", result.Value.Reason);
        Assert.Equal(Now, result.Value.At);
    }

    [Fact]
    public void Validate_NoReason_ReasonIsNull()
    {
        var result = RescheduleRequestValidator.Validate(new RescheduleBody("2026-12-15", "rm@example.com", "   "), Now);

        Assert.True(result.IsValid);
        Assert.Null(result.Value!.Reason);
    }

    [Theory]
    [InlineData(null, "The new target date is required (yyyy-MM-dd).")]
    [InlineData("15/12/2026", "'15/12/2026' is not a date in the form yyyy-MM-dd.")]
    [InlineData("2026-02-30", "'2026-02-30' is not a date in the form yyyy-MM-dd.")]
    public void Validate_BadDate_ReportsTargetDate(string? date, string message)
    {
        var result = RescheduleRequestValidator.Validate(new RescheduleBody(date, "rm@example.com"), Now);

        Assert.Equal(["targetDate"], result.Errors.Keys);
        Assert.Equal([message], result.Errors["targetDate"]);
    }

    [Fact]
    public void CheckPolicy_DateBeyondTheTypesHorizon_IsRefusedAsIfRequestedNow()
    {
        var policy = ReleasePolicyDefaults.Create();
        var release = new ReleaseRequest("r-1", "Patch", ReleaseType.Patch, ["Billing"], new DateOnly(2026, 12, 15));
        var tooSoon = new RescheduleRequest(DateOnly.FromDateTime(Now.UtcDateTime), "rm@example.com", Now);

        var result = RescheduleRequestValidator.CheckPolicy(policy, release, tooSoon);

        Assert.False(result.IsValid);
        Assert.Contains("targetDate", result.Errors.Keys);
    }
}

public class MilestoneRequestValidatorTests
{
    private static readonly ReleasePolicy Policy = ReleasePolicyDefaults.Create();

    [Fact]
    public void Validate_PolicyMilestoneAnyCase_ReturnsThePolicysName()
    {
        var result = MilestoneRequestValidator.Validate(Policy, " Code-Freeze ", new MilestoneBody("lead@example.com", " cut "));

        Assert.True(result.IsValid);
        Assert.Equal(new ManualMilestone("code-freeze", "lead@example.com", "cut"), result.Value);
    }

    [Fact]
    public void Validate_UnknownMilestoneAndNoPerson_ReportsNameListingTheMilestonesAndBy()
    {
        var result = MilestoneRequestValidator.Validate(Policy, "beta", new MilestoneBody());

        Assert.Equal(["name", "by"], result.Errors.Keys);
        Assert.Equal(["'beta' is not a milestone: use one of feature-complete, code-freeze, testing-ready, release-candidate."], result.Errors["name"]);
    }

    [Fact]
    public void Validate_NoteTooLong_ReportsNote()
    {
        var result = MilestoneRequestValidator.Validate(Policy, "code-freeze", new MilestoneBody("lead@example.com", new string('n', RequestFields.MaxNoteLength + 1)));

        Assert.Equal(["note"], result.Errors.Keys);
    }

    [Fact]
    public void ToEvent_WithNote_IsAnApiMilestoneEventWithTheAttributes()
    {
        var at = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

        var evt = new ManualMilestone("code-freeze", "lead@example.com", "cut").ToEvent("r-1", "api:1", at);

        Assert.Equal(("api:1", EventSources.Api, CanonicalEventType.MilestoneReached, at, "r-1", (string?)null), (evt.EventId, evt.Source, evt.Type, evt.OccurredAt, evt.ReleaseId, evt.Outcome));
        Assert.Equal("code-freeze", evt.Attribute(EventAttributes.Milestone));
        Assert.Equal("lead@example.com", evt.Attribute(EventAttributes.Approver));
        Assert.Equal("cut", evt.Attribute(EventAttributes.Note));
    }
}

public class EvidenceRequestValidatorTests
{
    private static readonly ReleasePolicy Policy = ReleasePolicyDefaults.Create();

    private static ValidationResult<ManualEvidence> Validate(EvidenceBody body, ReleasePolicy? policy = null) =>
        EvidenceRequestValidator.Validate(policy ?? Policy, body);

    [Fact]
    public void Validate_AttestationOfAnAttestedItem_ReturnsThePolicysItem()
    {
        var result = Validate(new EvidenceBody(" Code-Review ", "Attestation", "lead@example.com", Approved: false, Note: "PR 512"));

        Assert.True(result.IsValid);
        var e = result.Value!;
        Assert.Equal("code-review", e.Item.Id);
        Assert.Equal(EvidenceKinds.Attestation, e.Kind);
        Assert.False(e.Approved);
        Assert.True(e.IsPersonsWord);
        Assert.Equal("PR 512", e.Note);
    }

    [Fact]
    public void Validate_MeasuredEvidenceWithValue_IsValid()
    {
        var result = Validate(new EvidenceBody("test-coverage", "evidence", "ci@example.com", Passed: true, Value: 84.25m));

        Assert.True(result.IsValid);
        Assert.False(result.Value!.IsPersonsWord);
    }

    [Fact]
    public void Validate_WaiverWithReason_IsValidWithTheTrimmedReason()
    {
        var result = Validate(new EvidenceBody("backup", "waiver", "rm@example.com", Reason: "  Snapshot taken  "));

        Assert.Equal("Snapshot taken", result.Value!.Reason);
    }

    [Theory]
    [InlineData("coffee", "evidence", "ci@example.com", true, null, "item")]
    [InlineData(null, "evidence", "ci@example.com", true, null, "item")]
    [InlineData("unit-tests", "hearsay", "ci@example.com", null, null, "kind")]
    [InlineData("unit-tests", null, "ci@example.com", null, null, "kind")]
    [InlineData("unit-tests", "attestation", "lead@example.com", null, null, "kind")]
    [InlineData("code-review", "evidence", "ci@example.com", true, null, "kind")]
    [InlineData("unit-tests", "evidence", "ci@example.com", null, null, "passed")]
    [InlineData("test-coverage", "evidence", "ci@example.com", true, null, "value")]
    [InlineData("code-review", "attestation", "lead@example.com", true, null, "passed")]
    [InlineData("unit-tests", "evidence", null, true, null, "by")]
    [InlineData("unit-tests", "evidence", "ci at example.com", true, null, "by")]
    [InlineData("backup", "waiver", "rm@example.com", null, null, "reason")]
    [InlineData("code-review", "attestation", "lead@example.com", null, "Because", "reason")]
    public void Validate_BadEvidence_ReportsTheField(string? item, string? kind, string? by, bool? passed, string? reason, string field)
    {
        var result = Validate(new EvidenceBody(item, kind, by, Passed: passed, Reason: reason));

        Assert.False(result.IsValid);
        Assert.Contains(field, result.Errors.Keys);
    }

    [Fact]
    public void Validate_UnknownItem_ListsThePolicysItemsInGateOrder()
    {
        var result = Validate(new EvidenceBody("vibes", "evidence", "ci@example.com", Passed: true));

        var message = Assert.Single(result.Errors["item"]);
        Assert.StartsWith("'vibes' is not a gate item: use one of code-review, unit-tests, test-coverage,", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WaiverOfAnItemThePolicyMakesUnwaivable_ReportsKind()
    {
        var policy = WithUnwaivable(Policy, "security-scan");

        var result = Validate(new EvidenceBody("security-scan", "waiver", "rm@example.com", Reason: "Scanner down"), policy);

        Assert.Equal(["'security-scan' may not be waived."], result.Errors["kind"]);
    }

    [Fact]
    public void Validate_MeasuredItemReportedFailedWithoutValue_IsValid()
    {
        var result = Validate(new EvidenceBody("test-coverage", "evidence", "ci@example.com", Passed: false));

        Assert.True(result.IsValid);
    }

    [Fact]
    public void ToEvent_Evidence_CarriesOutcomeAndInvariantValue()
    {
        var item = GateItemInputs.Find(Policy, "test-coverage")!;
        var at = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

        var evt = new ManualEvidence(item, EvidenceKinds.Evidence, "ci@example.com", null, true, 84.25m, null, null).ToEvent("r-1", "api:2", at);

        Assert.Equal(CanonicalEventType.GateEvidence, evt.Type);
        Assert.Equal(EventOutcomes.Success, evt.Outcome);
        Assert.Equal("test-coverage", evt.Attribute(EventAttributes.GateItem));
        Assert.Equal("84.25", evt.Attribute(EventAttributes.Value));
        Assert.Null(evt.Attribute(EventAttributes.Approver));
    }

    [Fact]
    public void ToEvent_AttestationAndWaiver_NameThePersonAndNoOutcome()
    {
        var item = GateItemInputs.Find(Policy, "code-review")!;

        var attestation = new ManualEvidence(item, EvidenceKinds.Attestation, "lead@example.com", false, null, null, null, "n").ToEvent("r-1", "api:3", default);
        var waiver = new ManualEvidence(item, EvidenceKinds.Waiver, "rm@example.com", null, null, null, "Because", null).ToEvent("r-1", "api:4", default);

        Assert.Equal("rejected", attestation.Attribute(EventAttributes.Attestation));
        Assert.Equal("lead@example.com", attestation.Attribute(EventAttributes.Approver));
        Assert.Equal("n", attestation.Attribute(EventAttributes.Note));
        Assert.Null(attestation.Outcome);
        Assert.Equal("Because", waiver.Attribute(EventAttributes.Waiver));
        Assert.Equal("rm@example.com", waiver.Attribute(EventAttributes.Approver));
        Assert.Null(waiver.Outcome);
    }

    internal static ReleasePolicy WithUnwaivable(ReleasePolicy policy, string itemId) => policy with
    {
        QualityGates = policy.QualityGates.ToDictionary(
            g => g.Key,
            g => g.Value with { Items = g.Value.Items.Select(i => i.Id == itemId ? i with { Waivable = false } : i).ToArray() }),
    };
}

public class GateItemInputsTests
{
    private static readonly ReleasePolicy Policy = ReleasePolicyDefaults.Create();

    [Fact]
    public void KindsFor_AttestedWaivableItem_IsAttestationAndWaiver() =>
        Assert.Equal([EvidenceKinds.Attestation, EvidenceKinds.Waiver], GateItemInputs.KindsFor(GateItemInputs.Find(Policy, "code-review")!));

    [Fact]
    public void KindsFor_EvidencedItemNotWaivable_IsEvidenceOnly()
    {
        var policy = EvidenceRequestValidatorTests.WithUnwaivable(Policy, "unit-tests");

        var item = GateItemInputs.Find(policy, "unit-tests")!;

        Assert.Equal([EvidenceKinds.Evidence], GateItemInputs.KindsFor(item));
        Assert.False(GateItemInputs.Accepts(item, EvidenceKinds.Waiver));
        Assert.False(GateItemInputs.Accepts(item, EvidenceKinds.Attestation));
    }

    [Fact]
    public void Items_ItemInTwoGates_IsListedOnce()
    {
        var policy = Policy with
        {
            QualityGates = Policy.QualityGates.ToDictionary(
                g => g.Key,
                g => g.Key == GateKind.Testing ? g.Value with { Items = [.. g.Value.Items, Policy.QualityGates[GateKind.Development].Items[0]] } : g.Value),
        };

        Assert.Single(GateItemInputs.Items(policy), i => i.Id == "code-review");
        Assert.Equal(GateItemInputs.Items(Policy).Count, GateItemInputs.Items(policy).Count);
    }

    [Theory]
    [InlineData("test-coverage", true)]
    [InlineData("unit-tests", false)]
    public void IsMeasured_ItemWithThreshold_IsTrue(string id, bool measured) =>
        Assert.Equal(measured, GateItemInputs.IsMeasured(GateItemInputs.Find(Policy, id)!));
}

public class DecisionRequestValidatorTests
{
    [Theory]
    [InlineData("approve", true)]
    [InlineData(" Approved ", true)]
    [InlineData("REJECT", false)]
    [InlineData("rejected", false)]
    public void Validate_Decision_ReadsApproveOrReject(string decision, bool approved)
    {
        var result = DecisionRequestValidator.Validate(new DecisionBody(" Plan ", decision, " lead@example.com ", " technical-lead ", "ok"));

        Assert.True(result.IsValid);
        Assert.Equal(new DirectDecision("plan", approved, "lead@example.com", "technical-lead", "ok"), result.Value);
    }

    [Fact]
    public void Validate_EverythingWrong_ReportsEveryField()
    {
        var result = DecisionRequestValidator.Validate(new DecisionBody(
            "promotion:qa", "maybe", "Lead <lead@example.com>", new string('r', DecisionRequestValidator.MaxRoleLength + 1), new string('c', DecisionRequestValidator.MaxCommentLength + 1)));

        Assert.Equal(["stage", "decision", "approver", "role", "comment"], result.Errors.Keys);
        Assert.Contains(string.Join(", ", ApprovalStageKeys.All), Assert.Single(result.Errors["stage"]), StringComparison.Ordinal);
        Assert.Equal(["The approver must be an email address."], result.Errors["approver"]);
    }

    [Fact]
    public void Validate_NoApprover_SaysItIsRequired()
    {
        var result = DecisionRequestValidator.Validate(new DecisionBody("plan", "approve"));

        Assert.Equal(["The approver is required."], result.Errors["approver"]);
    }
}
