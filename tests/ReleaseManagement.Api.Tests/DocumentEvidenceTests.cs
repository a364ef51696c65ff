using ReleaseManagement.Events;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Tests;

/// <summary>
/// <c>POST /api/releases/{id}/evidence</c> for release documents (kind <c>document</c>) and known issues (kind
/// <c>known-issue</c>), issue 27 point 4: a link from an entitled person is stored and raised, anyone else is 403, a bad
/// link is 400 naming <c>url</c>; nothing is stored on a refusal.
/// </summary>
public sealed class DocumentEvidenceTests : IAsyncLifetime
{
    private ApiHarness _h = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _h = await ApiHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private Task<Answer> EvidenceAsync(string id, string json) => _h.CallAsync(r => _h.Evidence.EvidenceAsync(id, r, _h.Client, Ct), json);

    private async Task<CanonicalEvent> StoredAndRaisedOnceAsync(string id, string eventId)
    {
        var stored = Assert.Single(await _h.Events.ListByReleaseAsync(id, Ct));
        Assert.Equal(eventId, stored.Event.EventId);
        Assert.Equal(EventDelivery.Raised, stored.Delivery);
        var received = Assert.Single(await _h.ReceivedAsync(id));
        Assert.Equal(eventId, received.Pipeline!.EventId);
        return received.Pipeline;
    }

    private async Task NothingStoredOrRaisedAsync(string id)
    {
        Assert.Empty(await _h.Events.ListByReleaseAsync(id, Ct));
        Assert.Empty(await _h.ReceivedAsync(id));
    }

    [Fact]
    public async Task Document_LinkByAReporterRole_IsStoredAndRaisedWithItsUrlAndTitle()
    {
        var id = await _h.StartReleaseAsync();

        var answer = await EvidenceAsync(id,
            """{ "item": "deployment-guide", "kind": "document", "by": "lead@example.com", "url": "https://wiki.example.com/billing/deploy", "title": "Deployment guide" }""");

        Assert.Equal(202, answer.Status);
        Assert.Equal("document", answer.Str("kind"));
        var evt = await StoredAndRaisedOnceAsync(id, answer.Str("eventId")!);
        Assert.Equal(CanonicalEventType.GateEvidence, evt.Type);
        Assert.Equal("deployment-guide", evt.Attribute(EventAttributes.GateItem));
        Assert.Equal("https://wiki.example.com/billing/deploy", evt.Attribute(EventAttributes.Url));
        Assert.Equal("Deployment guide", evt.Attribute(EventAttributes.Title));
    }

    [Fact]
    public async Task Document_BySomeoneOutsideItsReporterRoles_Is403AndStoresNothing()
    {
        var id = await _h.StartReleaseAsync();

        // qa@example.com is the release's QA lead: the user guide is reported by a product owner or the release manager.
        var answer = await EvidenceAsync(id, """{ "item": "user-guide", "kind": "document", "by": "qa@example.com", "url": "https://wiki.example.com/guide" }""");

        Assert.Equal(403, answer.Status);
        Assert.Contains("product-owner", answer.Str("detail"));
        await NothingStoredOrRaisedAsync(id);
    }

    [Theory]
    [InlineData("""{ "item": "release-notes", "kind": "document", "by": "rm@example.com", "url": "javascript:alert(document.cookie)" }""", "url")]
    [InlineData("""{ "item": "release-notes", "kind": "document", "by": "rm@example.com", "url": "/wiki/notes" }""", "url")]
    [InlineData("""{ "item": "release-notes", "kind": "document", "by": "rm@example.com" }""", "url")]
    [InlineData("""{ "item": "release-notes", "kind": "evidence", "by": "rm@example.com", "passed": true }""", "kind")]
    [InlineData("""{ "item": "backup", "kind": "document", "by": "rm@example.com", "url": "https://x.example.com" }""", "kind")]
    [InlineData("""{ "item": "unit-tests", "kind": "evidence", "by": "rm@example.com", "passed": true, "url": "https://x.example.com" }""", "url")]
    [InlineData("""{ "kind": "known-issue", "by": "rm@example.com" }""", "title")]
    [InlineData("""{ "kind": "known-issue", "by": "rm@example.com", "title": "Slow export", "url": "data:text/html,x" }""", "url")]
    [InlineData("""{ "item": "backup", "kind": "known-issue", "by": "rm@example.com", "title": "Slow export" }""", "item")]
    public async Task DocumentOrKnownIssue_BadInput_Is400NamingTheFieldAndStoresNothing(string json, string field)
    {
        var id = await _h.StartReleaseAsync();

        var answer = await EvidenceAsync(id, json);

        Assert.Equal(400, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Contains(field, answer.ErrorFields);
        await NothingStoredOrRaisedAsync(id);
    }

    [Fact]
    public async Task Document_WaiverByTheReleaseManager_IsStoredAndRaised()
    {
        var id = await _h.StartReleaseAsync();

        var answer = await EvidenceAsync(id, """{ "item": "user-guide", "kind": "waiver", "by": "rm@example.com", "reason": "No user-facing change" }""");

        Assert.Equal(202, answer.Status);
        var evt = await StoredAndRaisedOnceAsync(id, answer.Str("eventId")!);
        Assert.Equal("No user-facing change", evt.Attribute(EventAttributes.Waiver));
    }

    [Fact]
    public async Task KnownIssue_ByATechnicalLead_IsStoredAndRaised_ByAProductOwner_Is403()
    {
        var id = await _h.StartReleaseAsync();

        var refused = await EvidenceAsync(id, """{ "kind": "known-issue", "by": "po@example.com", "title": "Export is slow" }""");
        Assert.Equal(403, refused.Status);
        Assert.Contains("technical-lead", refused.Str("detail"));
        Assert.Empty(await _h.Events.ListByReleaseAsync(id, Ct));

        var answer = await EvidenceAsync(id,
            """{ "kind": "known-issue", "by": "lead@example.com", "title": "Export is slow for big tenants", "note": "Use the batch export", "url": "https://tickets.example.com/BILL-12" }""");

        Assert.Equal(202, answer.Status);
        var evt = await StoredAndRaisedOnceAsync(id, answer.Str("eventId")!);
        Assert.Equal("known-issue", evt.Attribute(EventAttributes.GateItem));
        Assert.Equal("Export is slow for big tenants", evt.Attribute(EventAttributes.Title));
        Assert.Equal("Use the batch export", evt.Attribute(EventAttributes.Note));
        Assert.Equal("https://tickets.example.com/BILL-12", evt.Attribute(EventAttributes.Url));
        Assert.Equal("lead@example.com", evt.Attribute(EventAttributes.Approver));
    }
}
