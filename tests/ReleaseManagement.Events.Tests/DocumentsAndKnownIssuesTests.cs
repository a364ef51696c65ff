using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Api.Communications;
using ReleaseManagement.Communications;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Events.Tests;

/// <summary>
/// Release documents and known issues (issue 27, point 4): a pipeline's CDEvents carrying a document's link or an
/// incident's ticket normalized, and the release notes' "Known issues" and "Documents" sections.
/// </summary>
public sealed class DocumentsAndKnownIssuesTests
{
    private static readonly DateTimeOffset At = new(2027, 1, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly PipelineEventNormalizer Normalizer = new(new ReleaseCorrelator(new CorrelationOptions()));

    private static CanonicalEvent CDEvent(string type, string subject, string content, string customData, string id = "d1", string time = "2027-01-05T10:00:00Z")
    {
        var body = Encoding.UTF8.GetBytes($$"""
            {
              "specversion": "1.0", "id": "{{id}}", "source": "/ci/docs", "type": "{{type}}", "time": "{{time}}", "datacontenttype": "application/json",
              "data": {
                "context": { "specversion": "0.4.1", "id": "{{id}}", "source": "/ci/docs", "type": "{{type}}", "timestamp": "{{time}}" },
                "subject": { "id": "{{subject}}", "source": "/ci/docs", "content": {{content}} },
                "customData": {{customData}}
              }
            }
            """);
        return Normalizer.Normalize(new InboundDelivery(EventSources.CDEvents, body, At)).Event!;
    }

    [Fact]
    public void CDEvents_GateEvidenceWithALink_CarriesTheDocumentsUrlAndTitle_FromContentOrCustomData()
    {
        var inContent = CDEvent("dev.cdeventsx.releasefunctions-gate.evidence.0.1.0", "docs-1",
            """{ "item": "deployment-guide", "url": "https://wiki.example.com/billing/2027.01/deploy", "title": "Billing deployment guide" }""",
            """{ "releaseId": "2027.01.0", "system": "Billing" }""");
        var inCustomData = CDEvent("dev.cdeventsx.releasefunctions-gate.evidence.0.1.0", "docs-2",
            """{ "item": "release-notes" }""",
            """{ "releaseId": "2027.01.0", "url": "https://docs.example.com/notes/2027.01", "title": "Notes" }""", id: "d2");

        Assert.Equal(CanonicalEventType.GateEvidence, inContent.Type);
        Assert.Equal("2027.01.0", inContent.ReleaseId);
        Assert.Equal(("deployment-guide", "https://wiki.example.com/billing/2027.01/deploy", "Billing deployment guide"),
            (inContent.Attribute(EventAttributes.GateItem), inContent.Attribute(EventAttributes.Url), inContent.Attribute(EventAttributes.Title)));
        Assert.Equal(("release-notes", "https://docs.example.com/notes/2027.01", "Notes"),
            (inCustomData.Attribute(EventAttributes.GateItem), inCustomData.Attribute(EventAttributes.Url), inCustomData.Attribute(EventAttributes.Title)));

        // What the release counts (ReleaseInbox.GateInputs passes the url attribute on): the document passes.
        var item = GateItemInputs.Find(ReleasePolicyDefaults.Create(), "deployment-guide")!;
        var verdict = GateEvaluator.EvaluateItem(item, new GateInputs([new GateEvidence("deployment-guide", inContent.OccurredAt, Url: inContent.Attribute(EventAttributes.Url))], [], []));
        Assert.Equal(GateVerdict.Passed, verdict.Verdict);
    }

    [Fact]
    public void CDEvents_IncidentDetected_TicketUriIsItsLink_AndResolvedNamesTheSameIncident()
    {
        // CDEvents 0.4 incident.detected: subject.content { description, environment, service, artifactId, ticketURI }.
        var detected = Incident("dev.cdevents.incident.detected.0.2.0", "INC-7", "2027-01-05T09:00:00Z");
        var resolved = Incident("dev.cdevents.incident.resolved.0.2.0", "INC-7", "2027-01-05T11:00:00Z", id: "i2");

        Assert.Equal(CanonicalEventType.IncidentDetected, detected.Type);
        Assert.Equal(("INC-7", "https://tickets.example.com/INC-7", "Invoices rounded twice"),
            (detected.Attribute(EventAttributes.Incident), detected.Attribute(EventAttributes.Url), detected.Attribute(EventAttributes.Reason)));
        Assert.Equal(CanonicalEventType.IncidentResolved, resolved.Type);
        Assert.Equal("INC-7", resolved.Attribute(EventAttributes.Incident));
    }

    private static CanonicalEvent Incident(string type, string incident, string time, string id = "i1") =>
        CDEvent(type, incident,
            """{ "description": "Invoices rounded twice", "environment": { "id": "production" }, "service": { "id": "Billing" }, "ticketURI": "https://tickets.example.com/INC-7" }""",
            """{ "releaseId": "2027.01.0", "system": "Billing", "severity": "high" }""", id, time);

    private static ReleaseRecord Record(ReleaseType type = ReleaseType.Minor, params GateItemStatus[] gates) => new(
        new ReleaseRequest("2027.01.0", "January", type, ["Billing"], new DateOnly(2027, 1, 12)),
        At.AddDays(-30), ReleasePhase.Promotion, ReleaseStatus.Active, "Promoting", At, Gates: gates);

    private static CanonicalEvent Evidence(string item, DateTimeOffset at, params (string Key, string Value)[] attributes) =>
        new("e-" + Guid.NewGuid().ToString("N"), EventSources.Api, CanonicalEventType.GateEvidence, at, "2027.01.0", null, null, null,
            new Dictionary<string, string>(attributes.ToDictionary(a => a.Key, a => a.Value)) { [EventAttributes.GateItem] = item });

    private static CanonicalEvent Raw(CanonicalEventType type, string incident, DateTimeOffset at, string? system) =>
        new("x-" + Guid.NewGuid().ToString("N"), EventSources.CDEvents, type, at, "2027.01.0", system, "production", null,
            new Dictionary<string, string> { [EventAttributes.Incident] = incident, [EventAttributes.Reason] = $"Trouble {incident}" });

    [Fact]
    public void KnownIssues_OpenIncidentsOfTheReleasesSystems_ThenTheIssuesPeopleAdded()
    {
        var events = new[]
        {
            Incident("dev.cdevents.incident.detected.0.2.0", "INC-7", "2027-01-05T09:00:00Z"),
            Raw(CanonicalEventType.IncidentDetected, "INC-8", At, "Billing"),
            Raw(CanonicalEventType.IncidentResolved, "INC-8", At.AddHours(1), "Billing"),
            Raw(CanonicalEventType.IncidentDetected, "INC-9", At, "Forecasting"),
            Evidence(GateItemInputs.KnownIssueItem, At.AddHours(2), (EventAttributes.Title, "Export *slow* for [big] tenants"),
                (EventAttributes.Note, "Use the batch export"), (EventAttributes.Url, "javascript:alert(1)"), (EventAttributes.Approver, "lead@example.com")),
            Evidence(GateItemInputs.KnownIssueItem, At, (EventAttributes.Title, "From a pipeline")) with { Source = EventSources.CDEvents },
        };

        var issues = ReleaseNotesSections.KnownIssues(Record(), events);
        var md = ReleaseNotesSections.KnownIssuesMarkdown(issues, at => at.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(["INC-7", null], issues.Select(i => i.Incident));
        Assert.Contains("- [Invoices rounded twice](<https://tickets.example.com/INC-7>) (open incident INC-7 on Billing, severity high, since 2027-01-05 09:00)", md, StringComparison.Ordinal);
        Assert.Contains("- Export \\*slow\\* for \\[big\\] tenants (added by lead@example.com at 2027-01-05 12:00): Use the batch export", md, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript", md, StringComparison.Ordinal);
        Assert.DoesNotContain("INC-8", md, StringComparison.Ordinal);
        Assert.DoesNotContain("INC-9", md, StringComparison.Ordinal);
        Assert.DoesNotContain("From a pipeline", md, StringComparison.Ordinal);
        Assert.Contains("None known.", ReleaseNotesSections.KnownIssuesMarkdown(ReleaseNotesSections.KnownIssues(Record(), []), _ => ""), StringComparison.Ordinal);
    }

    [Fact]
    public void Documents_EachRequiredDocument_LinkedWaivedOrMissing()
    {
        var policy = ReleasePolicyDefaults.Create();
        var record = Record(ReleaseType.Minor, new GateItemStatus("user-guide", "Waived", "Waived by rm@example.com: No UI change"));
        var events = new[]
        {
            Evidence("release-notes", At, (EventAttributes.Url, "https://docs.example.com/old")),
            Evidence("release-notes", At.AddMinutes(5), (EventAttributes.Url, "https://docs.example.com/notes?v=2"), (EventAttributes.Title, "Notes <v2>")),
            Evidence("deployment-guide", At, (EventAttributes.Url, "javascript:alert(1)")),
        };

        var md = ReleaseNotesSections.DocumentsMarkdown(ReleaseNotesSections.Documents(policy, record, events));

        Assert.Contains("- Release notes: feature descriptions and known issues (`release-notes`): [Notes \\<v2\\>](<https://docs.example.com/notes?v=2>)", md, StringComparison.Ordinal);
        Assert.Contains("(`deployment-guide`): **missing**", md, StringComparison.Ordinal);
        Assert.Contains("(`rollback-procedure`): **missing**", md, StringComparison.Ordinal);
        Assert.Contains("(`user-guide`): Waived by rm@example.com: No UI change", md, StringComparison.Ordinal);
        Assert.DoesNotContain("technical-documentation", md, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript", md, StringComparison.Ordinal);
        Assert.DoesNotContain("docs.example.com/old", md, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Handler_NotesUnderTheReleasesPolicy_ListDocumentsAndKnownIssues_HtmlLinksOnlyHttp()
    {
        var events = new[]
        {
            Evidence("rollback-procedure", At, (EventAttributes.Url, "https://wiki.example.com/rollback")),
            Evidence(GateItemInputs.KnownIssueItem, At, (EventAttributes.Title, "<script>alert(1)</script>"), (EventAttributes.Approver, "rm@example.com")),
        };
        var handler = new ReleaseNotesHandlers(new OneRelease(Record(ReleaseType.Hotfix)), new StoredEvents(At, events),
            new ReleasePolicies(new InMemoryPolicySnapshots(), ReleasePolicyDefaults.Create()));
        var request = new DefaultHttpContext().Request;
        request.QueryString = new QueryString("?format=html");

        var html = Assert.IsType<ContentHttpResult>(await handler.GetAsync("2027.01.0", request, TestContext.Current.CancellationToken)).ResponseContent!;

        Assert.Contains(">Known issues</h2>", html, StringComparison.Ordinal);
        Assert.Contains(">Documents</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://wiki.example.com/rollback\">https://wiki.example.com/rollback</a>", html, StringComparison.Ordinal);
        Assert.Contains("(<code>release-notes</code>): <strong>missing</strong>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }
}
