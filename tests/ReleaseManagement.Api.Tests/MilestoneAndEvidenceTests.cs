using System.Globalization;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseFunctions.TestSupport;

namespace ReleaseManagement.Api.Tests;

[StartFirst]
public sealed class MilestoneAndEvidenceTests : IAsyncLifetime
{
    private ApiHarness _h = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _h = await ApiHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private Task<Answer> MilestoneAsync(string id, string name, string json, ApiHarness? h = null)
    {
        h ??= _h;
        return h.CallAsync(r => h.Milestones.MilestoneAsync(id, name, r, h.Client, Ct), json);
    }

    private Task<Answer> EvidenceAsync(string id, string json, ApiHarness? h = null, string? principal = null)
    {
        h ??= _h;
        return h.CallAsync(r => h.Evidence.EvidenceAsync(id, r, h.Client, Ct), json, principal: principal);
    }

    /// <summary>The release's one stored event, which must be the one raised, marked as raised.</summary>
    private static async Task<CanonicalEvent> StoredAndRaisedOnceAsync(ApiHarness h, string id, string eventId)
    {
        var stored = Assert.Single(await h.Events.ListByReleaseAsync(id, Ct));
        Assert.Equal(eventId, stored.Event.EventId);
        Assert.Equal(EventDelivery.Raised, stored.Delivery);
        var received = Assert.Single(await h.ReceivedAsync(id));
        Assert.Equal(ReleaseEventNames.Pipeline, received.Name);
        Assert.Equal(eventId, received.Pipeline!.EventId);
        Assert.Equal(stored.Event.Attributes.OrderBy(a => a.Key), received.Pipeline.Attributes.OrderBy(a => a.Key));
        Assert.Equal(stored.Event.Outcome, received.Pipeline.Outcome);
        return received.Pipeline;
    }

    private async Task NothingStoredOrRaisedAsync(string id, ApiHarness? h = null)
    {
        h ??= _h;
        Assert.Empty(await h.Events.ListByReleaseAsync(id, Ct));
        Assert.Empty(await h.ReceivedAsync(id));
    }

    [Fact]
    public async Task Milestone_OneOfThePolicys_IsStoredAsCanonicalEventAndRaisedOnce()
    {
        var id = await _h.StartReleaseAsync();

        var answer = await MilestoneAsync(id, "code-freeze", """{ "by": "lead@example.com", "note": "Branch cut at 4f2a" }""");

        Assert.Equal(202, answer.Status);
        var eventId = answer.Str("eventId")!;
        Assert.StartsWith("api:", eventId, StringComparison.Ordinal);
        Assert.True(Guid.TryParse(eventId["api:".Length..], out _));
        var evt = await StoredAndRaisedOnceAsync(_h, id, eventId);
        Assert.Equal(CanonicalEventType.MilestoneReached, evt.Type);
        Assert.Equal(EventSources.Api, evt.Source);
        Assert.Equal(id, evt.ReleaseId);
        Assert.Equal(_h.Time.GetUtcNow(), evt.OccurredAt);
        Assert.Equal("code-freeze", evt.Attribute(EventAttributes.Milestone));
        Assert.Equal("lead@example.com", evt.Attribute(EventAttributes.Approver));
        Assert.Equal("Branch cut at 4f2a", evt.Attribute(EventAttributes.Note));
    }

    [Fact]
    public async Task Milestone_CountsInTheMetricsPeriod()
    {
        var id = await _h.StartReleaseAsync();
        var now = _h.Time.GetUtcNow();

        var answer = await MilestoneAsync(id, "feature-complete", """{ "by": "lead@example.com" }""");

        Assert.Equal(202, answer.Status);
        var inPeriod = await _h.Events.ListByPeriodAsync(now.AddMinutes(-1), now.AddMinutes(1), Ct);
        Assert.Contains(inPeriod, e => e.Event.EventId == answer.Str("eventId"));
        Assert.Null((await StoredAndRaisedOnceAsync(_h, id, answer.Str("eventId")!)).Attribute(EventAttributes.Note));
    }

    [Fact]
    public async Task Milestone_NameNotInThePolicy_Is400ListingTheMilestonesAndChangesNothing()
    {
        var id = await _h.StartReleaseAsync();

        var answer = await MilestoneAsync(id, "beta", """{ "by": "lead@example.com" }""");

        Assert.Equal(400, answer.Status);
        var message = Assert.Single(answer.Errors("name"));
        Assert.Contains("feature-complete, code-freeze, testing-ready, release-candidate", message, StringComparison.Ordinal);
        await NothingStoredOrRaisedAsync(id);
    }

    [Fact]
    public async Task Milestone_EndedRelease_Is409AndStoresNothing()
    {
        var id = await _h.StartReleaseAsync();
        await _h.EndAsync(id);

        var answer = await MilestoneAsync(id, "code-freeze", """{ "by": "lead@example.com" }""");

        Assert.Equal(409, answer.Status);
        Assert.Empty(await _h.Events.ListByReleaseAsync(id, Ct));
    }

    [Fact]
    public async Task Attestation_ByAHolderOfTheItemsRole_IsStoredAndRaisedApproved()
    {
        var id = await _h.StartReleaseAsync();

        var answer = await EvidenceAsync(id, """{ "item": "code-review", "kind": "attestation", "by": "lead2@example.com", "note": "PR 512 reviewed" }""");

        Assert.Equal(202, answer.Status);
        Assert.Equal("code-review", answer.Str("item"));
        var evt = await StoredAndRaisedOnceAsync(_h, id, answer.Str("eventId")!);
        Assert.Equal(CanonicalEventType.GateEvidence, evt.Type);
        Assert.Equal(EventSources.Api, evt.Source);
        Assert.Equal("code-review", evt.Attribute(EventAttributes.GateItem));
        Assert.Equal("approved", evt.Attribute(EventAttributes.Attestation));
        Assert.Equal("lead2@example.com", evt.Attribute(EventAttributes.Approver));
        Assert.Equal("PR 512 reviewed", evt.Attribute(EventAttributes.Note));
    }

    /// <summary>
    /// The T-3 notice's confirmation (issue 27, point 5): <c>deployment-readiness</c>, no gate's item, is attested through the
    /// same route by a release manager; anyone else is refused and it is never waived.
    /// </summary>
    [Fact]
    public async Task Attestation_OfTheReadinessConfirmation_ByTheReleaseManagerIsStored_OthersAre403_AWaiverIs400()
    {
        var id = await _h.StartReleaseAsync();

        var refused = await EvidenceAsync(id, """{ "item": "deployment-readiness", "kind": "attestation", "by": "lead@example.com" }""");
        var waived = await EvidenceAsync(id, """{ "item": "deployment-readiness", "kind": "waiver", "by": "rm@example.com", "reason": "no time" }""");
        Assert.Equal(403, refused.Status);
        Assert.Contains("release-manager", refused.Str("detail"));
        Assert.Equal(400, waived.Status);
        Assert.Contains("kind", waived.ErrorFields);
        await NothingStoredOrRaisedAsync(id);

        // (Looking stopped the first release's recording orchestration: the release manager confirms on another.)
        var other = await _h.StartReleaseAsync();
        var answer = await EvidenceAsync(other, """{ "item": "deployment-readiness", "kind": "attestation", "by": "rm@example.com", "note": "Checklist reviewed" }""");
        Assert.Equal(202, answer.Status);
        var evt = await StoredAndRaisedOnceAsync(_h, other, answer.Str("eventId")!);
        Assert.Equal("deployment-readiness", evt.Attribute(EventAttributes.GateItem));
        Assert.Equal("approved", evt.Attribute(EventAttributes.Attestation));
    }

    [Fact]
    public async Task Attestation_NotApproved_IsRaisedRejected()
    {
        var id = await _h.StartReleaseAsync();

        var answer = await EvidenceAsync(id, """{ "item": "user-acceptance", "kind": "attestation", "by": "po@example.com", "approved": false }""");

        Assert.Equal(202, answer.Status);
        var evt = await StoredAndRaisedOnceAsync(_h, id, answer.Str("eventId")!);
        Assert.Equal("rejected", evt.Attribute(EventAttributes.Attestation));
    }

    [Fact]
    public async Task Attestation_BySomeoneWithoutTheItemsRole_Is403AndChangesNothing()
    {
        var id = await _h.StartReleaseAsync();

        // po@example.com is the release's product owner, but code-review is attested by a technical lead.
        var answer = await EvidenceAsync(id, """{ "item": "code-review", "kind": "attestation", "by": "po@example.com" }""");

        Assert.Equal(403, answer.Status);
        Assert.Contains("technical-lead", answer.Str("detail"));
        await NothingStoredOrRaisedAsync(id);
    }

    [Fact]
    public async Task Attestation_WithSignInRequired_NeedsThePersonNamedToBeSignedIn()
    {
        await using var h = await ApiHarness.StartAsync(requireSignedIn: true);
        var id = await h.StartReleaseAsync();
        const string Body = """{ "item": "code-review", "kind": "attestation", "by": "lead@example.com" }""";

        var anonymous = await EvidenceAsync(id, Body, h);
        var someoneElse = await EvidenceAsync(id, Body, h, principal: "lead2@example.com");
        var themselves = await EvidenceAsync(id, Body, h, principal: "lead@example.com");

        Assert.Equal((403, 403, 202), (anonymous.Status, someoneElse.Status, themselves.Status));
        await StoredAndRaisedOnceAsync(h, id, themselves.Str("eventId")!);
    }

    [Fact]
    public async Task Waiver_WithReason_IsStoredAndRaised()
    {
        var id = await _h.StartReleaseAsync();

        var answer = await EvidenceAsync(id, """{ "item": "performance-benchmarks", "kind": "waiver", "by": "rm@example.com", "reason": "No load-bearing change" }""");

        Assert.Equal(202, answer.Status);
        var evt = await StoredAndRaisedOnceAsync(_h, id, answer.Str("eventId")!);
        Assert.Equal("performance-benchmarks", evt.Attribute(EventAttributes.GateItem));
        Assert.Equal("No load-bearing change", evt.Attribute(EventAttributes.Waiver));
        Assert.Equal("rm@example.com", evt.Attribute(EventAttributes.Approver));
        Assert.Null(evt.Outcome);
    }

    [Fact]
    public async Task Waiver_WithoutReason_Is400()
    {
        var id = await _h.StartReleaseAsync();

        var answer = await EvidenceAsync(id, """{ "item": "backup", "kind": "waiver", "by": "rm@example.com" }""");

        Assert.Equal(400, answer.Status);
        Assert.Equal(["reason"], answer.ErrorFields);
        await NothingStoredOrRaisedAsync(id);
    }

    [Fact]
    public async Task Waiver_OfAnItemThePolicyMakesUnwaivable_Is400()
    {
        var defaults = ReleasePolicyDefaults.Create();
        var gates = defaults.QualityGates.ToDictionary(
            g => g.Key,
            g => g.Value with { Items = g.Value.Items.Select(i => i.Id == "security-scan" ? i with { Waivable = false } : i).ToArray() });
        await using var h = await ApiHarness.StartAsync(defaults with { QualityGates = gates });
        var id = await h.StartReleaseAsync();

        var answer = await EvidenceAsync(id, """{ "item": "security-scan", "kind": "waiver", "by": "rm@example.com", "reason": "Scanner down" }""", h);

        Assert.Equal(400, answer.Status);
        Assert.Contains("'security-scan' may not be waived.", answer.Errors("kind"));
        await NothingStoredOrRaisedAsync(id, h);
    }

    [Fact]
    public async Task Evidence_WithPassedAndValue_CarriesOutcomeAndAnInvariantDecimal()
    {
        var id = await _h.StartReleaseAsync();
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE"); // a decimal comma must not leak into the event
        Answer answer;
        try
        {
            answer = await EvidenceAsync(id, """{ "item": "test-coverage", "kind": "evidence", "by": "ci@example.com", "passed": true, "value": 84.25 }""");
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }

        Assert.Equal(202, answer.Status);
        var evt = await StoredAndRaisedOnceAsync(_h, id, answer.Str("eventId")!);
        Assert.Equal(EventOutcomes.Success, evt.Outcome);
        Assert.Equal("84.25", evt.Attribute(EventAttributes.Value));
        Assert.Equal("test-coverage", evt.Attribute(EventAttributes.GateItem));
        Assert.Null(evt.Attribute(EventAttributes.Attestation));
    }

    [Fact]
    public async Task Evidence_Failed_CarriesFailureOutcome()
    {
        var id = await _h.StartReleaseAsync();

        var answer = await EvidenceAsync(id, """{ "item": "unit-tests", "kind": "evidence", "by": "ci@example.com", "passed": false }""");

        Assert.Equal(202, answer.Status);
        var evt = await StoredAndRaisedOnceAsync(_h, id, answer.Str("eventId")!);
        Assert.Equal(EventOutcomes.Failure, evt.Outcome);
        Assert.Null(evt.Attribute(EventAttributes.Value));
    }

    [Theory]
    [InlineData("""{ "item": "coffee", "kind": "evidence", "by": "ci@example.com", "passed": true }""", "item")]
    [InlineData("""{ "kind": "evidence", "by": "ci@example.com", "passed": true }""", "item")]
    [InlineData("""{ "item": "unit-tests", "kind": "hearsay", "by": "ci@example.com" }""", "kind")]
    [InlineData("""{ "item": "unit-tests", "kind": "attestation", "by": "lead@example.com" }""", "kind")]
    [InlineData("""{ "item": "code-review", "kind": "evidence", "by": "ci@example.com", "passed": true }""", "kind")]
    [InlineData("""{ "item": "unit-tests", "kind": "evidence", "by": "ci@example.com" }""", "passed")]
    [InlineData("""{ "item": "test-coverage", "kind": "evidence", "by": "ci@example.com", "passed": true }""", "value")]
    [InlineData("""{ "item": "code-review", "kind": "attestation", "by": "lead@example.com", "passed": true }""", "passed")]
    [InlineData("""{ "item": "unit-tests", "kind": "evidence", "passed": true }""", "by")]
    public async Task Evidence_InvalidBody_Is400NamingTheFieldAndChangesNothing(string json, string field)
    {
        var id = await _h.StartReleaseAsync();

        var answer = await EvidenceAsync(id, json);

        Assert.Equal(400, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Contains(field, answer.ErrorFields);
        await NothingStoredOrRaisedAsync(id);
    }

    [Fact]
    public async Task Evidence_UnknownItem_ListsThePolicysGateItems()
    {
        var id = await _h.StartReleaseAsync();

        var answer = await EvidenceAsync(id, """{ "item": "vibes", "kind": "evidence", "by": "ci@example.com", "passed": true }""");

        var message = Assert.Single(answer.Errors("item"));
        Assert.All(_h.Policy.QualityGates.Values.SelectMany(g => g.Items), i => Assert.Contains(i.Id, message, StringComparison.Ordinal));
        await NothingStoredOrRaisedAsync(id);
    }
}
