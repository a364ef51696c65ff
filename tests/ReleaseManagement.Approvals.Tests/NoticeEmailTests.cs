using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Ical.Net;
using Calendar = Ical.Net.Calendar;
using Microsoft.Extensions.Options;
using MimeKit;
using ReleaseManagement.Activities;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Communications;
using ReleaseManagement.Approvals.Tests.Infrastructure;
using ReleaseManagement.Azure.Email;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Approvals.Tests;

/// <summary>
/// The notices as emailed: rendered from the Liquid templates with the release's state (unit), and a release driven on the
/// local host (moved twice, then cancelled) whose notices arrive at smtp4dev with an invite whose SEQUENCE rises, then a CANCEL.
/// </summary>
public sealed class NoticeEmailTests(SmtpApprovalSystem system)
{
    private static readonly DateTimeOffset At = new(2026, 12, 16, 18, 0, 0, TimeSpan.Zero);

    private static NoticeComposer Composer(string templatesPath = "") => new(
        new NoticeTemplateStore(Options.Create(new CommunicationsOptions { TemplatesPath = templatesPath })),
        Options.Create(new ApprovalOptions { PublicBaseUrl = "https://releases.example.com" }),
        Options.Create(new EmailOptions { From = "Release Management <releases@example.com>" }));

    private static NoticeContext Context(string template, bool notes = false, bool invite = false, IReadOnlyDictionary<string, string>? facts = null)
    {
        var request = new ReleaseRequest("2027.01.0", "January <Billing>", ReleaseType.Minor, ["Billing"], new DateOnly(2027, 1, 5),
            "rm@example.com", new Dictionary<string, IReadOnlyList<string>> { ["release-manager"] = ["rm@example.com"] });
        var record = new ReleaseRecord(request, At.AddDays(-40), ReleasePhase.PostRelease, ReleaseStatus.Active, "Watching", At,
            ReleaseManagement.Orchestration.ReleaseStages.Communications, [new GateItemStatus("rollback-plan", "Passed", "attested")], Risk: "Medium: phased rollout");
        var events = new[]
        {
            new CanonicalEvent("github:1", "github", CanonicalEventType.ChangeMerged, At.AddDays(-20), request.Id, "billing", null, "success",
                new Dictionary<string, string> { ["title"] = "Export invoices", ["change"] = "12", ["labels"] = "feature", ["url"] = "https://github.com/o/r/pull/12" }),
            new CanonicalEvent("github:2", "github", CanonicalEventType.ServiceDeployed, At.AddHours(-30), request.Id, "billing", "production", "success",
                new Dictionary<string, string>()),
        };
        var timeline = new[] { new TimelineEntry(1, At.AddHours(-20), ReleasePhase.PostRelease, "watch", "Watch passed: error rate 0.2% <= 1%") };
        var notice = new ReleaseNotice(request.Id, template, "", "", ["stakeholder@example.com"])
        {
            Template = template, Description = "Post-deployment status report", AttachNotes = notes, AttachInvite = invite, Facts = facts,
        };
        return new NoticeContext(notice, record, timeline, events, ReleasePolicyDefaults.Create());
    }

    [Fact]
    public void Compose_PostDeploymentReport_NamesVerdictDeploymentsMonitoringAndAttachesTheNotes()
    {
        var message = Composer().Compose(Context("post-deployment-status-report", notes: true));

        Assert.Equal("[2027.01.0] Post-deployment status report: January <Billing>", message.Subject);
        Assert.Contains("Success criteria met", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Billing to production at 2026-12-15 07:00 (Tuesday) America/New_York: success", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Watch passed: error rate 0.2% <= 1%", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("January &lt;Billing&gt;", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("background:#1e3a5f", message.HtmlBody, StringComparison.Ordinal);
        var notes = Assert.Single(message.Attachments);
        Assert.StartsWith("text/markdown", notes.ContentType, StringComparison.Ordinal);
        Assert.Contains("[Export invoices](https://github.com/o/r/pull/12)", notes.Content, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("release-planning-announcement", "Key dates")]
    [InlineData("feature-freeze-notification", "Milestones missing")]
    [InlineData("testing-phase-initiation", "Integration and system testing")]
    [InlineData("deployment-readiness-confirmation", "rollback-plan: Passed")]
    [InlineData("final-deployment-notification", "Window: 2027-01-05 ")]
    [InlineData("outcome-cancelled", "scope moved")]
    [InlineData("release-rescheduled", "moves from 2026-12-29 to 2027-01-05")]
    public void Compose_EveryBuiltInTemplate_SaysSomethingFromTheRelease(string template, string fact)
    {
        var message = Composer().Compose(Context(template, facts: new Dictionary<string, string> { ["reason"] = "scope moved", ["previousTargetDate"] = "2026-12-29" }));

        Assert.Contains(fact, message.TextBody, StringComparison.Ordinal);
        Assert.Contains("https://releases.example.com/api/releases/2027.01.0", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_LateNotice_SaysSoInItsSubjectTextAndHtml_WhenItWasDue()
    {
        var message = Composer().Compose(Context("feature-freeze-notification", facts: new Dictionary<string, string> { ["lateDue"] = "2026-12-02T19:00:00.0000000Z" }));

        File.WriteAllText(Path.Combine(TestEnvironment.ArtifactsDirectory, "notice-late.html"), message.HtmlBody);
        Assert.StartsWith("(late) [2027.01.0]", message.Subject, StringComparison.Ordinal);
        Assert.StartsWith("This notice is late: it was due 2026-12-02 14:00", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("<strong>This notice is late: it was due 2026-12-02 14:00", message.HtmlBody, StringComparison.Ordinal);
        var onTime = Composer().Compose(Context("feature-freeze-notification"));
        Assert.DoesNotContain("late", onTime.Subject, StringComparison.Ordinal);
        Assert.DoesNotContain("This notice is late", onTime.HtmlBody + onTime.TextBody, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 27, point 5: the T-3 notice asks the release manager (named) to confirm the readiness on the release page, says
    /// when its absence warns and lists the Deployment gate's items (and the release's required documents) as the checklist; the approvers' notice at T-1 says what
    /// is missing. Once an attestation is recorded the T-3 notice (sent again, say after a reschedule) says who confirmed.
    /// </summary>
    [Fact]
    public void Compose_ReadinessNoticeAndMissingConfirmation_AskTheReleaseManagerWithTheChecklist()
    {
        var facts = new Dictionary<string, string> { [NoticeFacts.ConfirmItem] = "deployment-readiness", [NoticeFacts.Reason] = "Not confirmed: Deployment readiness (deployment-readiness)." };
        var asked = Composer().Compose(Context("deployment-readiness-confirmation", facts: facts));

        File.WriteAllText(Path.Combine(TestEnvironment.ArtifactsDirectory, "notice-readiness.html"), asked.HtmlBody);
        Assert.Contains("Please confirm: release-manager (rm@example.com), attest deployment-readiness (Deployment readiness) on the release page, https://releases.example.com/api/dashboard/releases/2027.01.0", asked.TextBody, StringComparison.Ordinal);
        Assert.Contains("Unconfirmed at Final deployment notification (2027-01-04 20:00 (Monday) America/New_York), the approvers are warned.", asked.TextBody, StringComparison.Ordinal);
        Assert.Contains("- Rollback plan tested (rollback-plan): Passed", asked.TextBody, StringComparison.Ordinal);
        Assert.Contains("- Backup completed successfully (backup): not evaluated yet", asked.TextBody, StringComparison.Ordinal);
        // The documents a Minor requires are items of its gate before production: on the checklist too (issue 27, point 4).
        Assert.Contains("- Deployment guide: step-by-step deployment procedures (deployment-guide): not evaluated yet", asked.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("(technical-documentation)", asked.TextBody, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://releases.example.com/api/dashboard/releases/2027.01.0\">release page</a>", asked.HtmlBody, StringComparison.Ordinal);

        var missing = Composer().Compose(Context("confirmation-missing", facts: facts) with { });
        Assert.Contains("Deployment readiness of release 2027.01.0 is not confirmed, and the production window opens 2027-01-05 20:00", missing.TextBody, StringComparison.Ordinal);
        Assert.Contains("Not confirmed: Deployment readiness (deployment-readiness).", missing.TextBody, StringComparison.Ordinal);
        Assert.Contains("- Monitoring systems active (monitoring-active): not evaluated yet", missing.TextBody, StringComparison.Ordinal);

        var context = Context("deployment-readiness-confirmation", facts: facts);
        var confirmation = new CanonicalEvent("api:1", EventSources.Api, CanonicalEventType.GateEvidence, At.AddHours(-2), "2027.01.0", null, null, null,
            new Dictionary<string, string> { [EventAttributes.GateItem] = "deployment-readiness", [EventAttributes.Attestation] = "approved", [EventAttributes.Approver] = "rm@example.com" });
        var confirmed = Composer().Compose(context with { Events = [.. context.Events, confirmation] });
        Assert.Contains("Please confirm: Deployment readiness: confirmed by rm@example.com at 2026-12-16 11:00", confirmed.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Unconfirmed at", confirmed.TextBody, StringComparison.Ordinal);
    }

    /// <summary>Issue 27, point 5: the T-14 feature-freeze notice names the code-freeze milestone's state, not only the date.</summary>
    [Fact]
    public void Compose_FeatureFreeze_NamesTheCodeFreezeMilestonesState()
    {
        var context = Context("feature-freeze-notification");
        var notYet = Composer().Compose(context);
        var freeze = new CanonicalEvent("github:9", "github", CanonicalEventType.MilestoneReached, At.AddDays(-3), "2027.01.0", "billing", null, "success",
            new Dictionary<string, string> { [EventAttributes.Milestone] = "code-freeze" });
        var reached = Composer().Compose(context with { Events = [.. context.Events, freeze] });

        Assert.Contains("Code freeze milestone: not reached yet.", notYet.TextBody, StringComparison.Ordinal);
        Assert.Contains("Code freeze milestone: <strong>not reached yet</strong>", notYet.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Code freeze milestone: reached 2026-12-13 13:00 (Sunday) America/New_York.", reached.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_TemplateInTheFolder_ReplacesTheBuiltInOne()
    {
        var folder = Directory.CreateTempSubdirectory("notice-templates-").FullName;
        File.WriteAllText(Path.Combine(folder, "feature-freeze-notification.subject.liquid"), "Freeze for {{ release.id }} on {{ codeFreeze }}");

        var message = Composer(folder).Compose(Context("feature-freeze-notification"));

        var policy = ReleasePolicyDefaults.Create();
        var freeze = ProductionSlot.Of(policy, new DateOnly(2027, 1, 5), ProductionSlot.AsPlanned).Start - TimeSpan.FromDays(14);
        Assert.Equal($"Freeze for 2027.01.0 on {PolicyTime.DescribeLocal(PolicyTime.Zone(policy), freeze)}", message.Subject);
    }

    [Fact]
    public void Compose_Invite_IsOneEventPerReleaseInTheWindow()
    {
        var message = Composer().Compose(Context("final-deployment-notification", invite: true) with { });
        var ics = Assert.Single(message.Attachments, a => a.FileName == "invite.ics");

        var calendar = Calendar.Load(ics.Content)!;
        var e = Assert.Single(calendar.Events);
        Assert.Equal("REQUEST", calendar.Method);
        Assert.Equal(ReleaseInvite.Uid("2027.01.0"), e.Uid);
        Assert.Equal(WindowCalendar.WindowsOn(ReleasePolicyDefaults.Create(), new DateOnly(2027, 1, 5))[0].Start.UtcDateTime, e.DtStart!.AsUtc);
        Assert.Contains(e.Attendees, a => a.Value!.ToString().Contains("stakeholder@example.com", StringComparison.Ordinal));
    }

    [Fact]
    public void Compose_MeetingInviteMoveAndCancel_AreOneEventPerReleaseAndMeeting_WithRisingSequence()
    {
        var start = new DateTimeOffset(2027, 1, 7, 19, 0, 0, TimeSpan.Zero);
        MeetingInvite Invite(int sequence, bool cancelled = false, DateTimeOffset? previous = null) =>
            new("release-review", "Release review meeting", start, start.AddHours(1), sequence, cancelled, previous) { Reason = previous is null && !cancelled ? null : "the release moved to 2027-01-05" };
        EmailMessage Compose(MeetingInvite meeting)
        {
            var context = Context(NoticeTemplates.Meeting);
            return Composer().Compose(context with { Notice = context.Notice with { Description = "Release review meeting", Meeting = meeting } });
        }

        var invited = Compose(Invite(0));
        var moved = Compose(Invite(1, previous: start.AddDays(-2)));
        var cancelled = Compose(Invite(2, cancelled: true));

        var calendars = new[] { invited, moved, cancelled }.Select(m => Calendar.Load(Assert.Single(m.Attachments, a => a.FileName == "meeting.ics").Content)!).ToArray();
        Assert.Equal(["REQUEST", "REQUEST", "CANCEL"], calendars.Select(c => c.Method));
        Assert.Equal([0, 1, 2], calendars.Select(c => c.Events.Single().Sequence));
        Assert.All(calendars, c => Assert.Equal(ReleaseInvite.MeetingUid("2027.01.0", "release-review"), c.Events.Single().Uid));
        Assert.NotEqual(ReleaseInvite.Uid("2027.01.0"), calendars[0].Events.Single().Uid);
        var e = calendars[0].Events.Single();
        Assert.Equal((start.UtcDateTime, start.AddHours(1).UtcDateTime), (e.DtStart!.AsUtc, e.DtEnd!.AsUtc));
        var attendee = Assert.Single(e.Attendees);
        Assert.Equal(("REQ-PARTICIPANT", true), (attendee.Role, attendee.Rsvp));
        Assert.Equal("mailto:releases@example.com", e.Organizer!.Value!.ToString());
        Assert.DoesNotContain(invited.Attachments, a => a.FileName == "invite.ics");

        // The text says when in the policy's zone (New York: 14:00), and what changed and why.
        var zone = PolicyTime.Zone(ReleasePolicyDefaults.Create());
        Assert.Contains($"You are invited to the Release review meeting of release 2027.01.0 (January <Billing>): {PolicyTime.DescribeLocal(zone, start)}", invited.TextBody, StringComparison.Ordinal);
        Assert.Contains($"moves from {PolicyTime.DescribeLocal(zone, start.AddDays(-2))} to {PolicyTime.DescribeLocal(zone, start)}", moved.TextBody, StringComparison.Ordinal);
        Assert.Contains("is cancelled: the release moved to 2027-01-05", cancelled.TextBody, StringComparison.Ordinal);
        Assert.Contains("January &lt;Billing&gt;", invited.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("<strong>cancelled</strong>", cancelled.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("[2027.01.0] Release review meeting: January <Billing>", invited.Subject);
    }

    [Fact]
    public async Task Lifecycle_MovedTwiceThenCancelled_SmtpGetsInvitesWithRisingSequenceThenACancel()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = await system.CreateReleaseAsync("Billing notices");
        var original = DateOnly.ParseExact((await system.GetReleaseAsync(id, ct)).GetProperty("targetDate").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var first = original.AddDays(2);
        var second = original.AddDays(7);

        Assert.Equal(HttpStatusCode.Accepted, (await system.Http.PatchAsJsonAsync($"/api/releases/{id}", new { targetDate = $"{first:yyyy-MM-dd}", by = "rm@example.com", reason = "vendor" }, ct)).StatusCode);
        var moved1 = await WaitForAsync(id, "Release rescheduled", 1, ct);
        Assert.Equal(HttpStatusCode.Accepted, (await system.Http.PatchAsJsonAsync($"/api/releases/{id}", new { targetDate = $"{second:yyyy-MM-dd}", by = "rm@example.com", reason = "vendor" }, ct)).StatusCode);
        var moved2 = await WaitForAsync(id, "Release rescheduled", 2, ct);
        Assert.Equal(HttpStatusCode.Accepted, (await system.Http.PostAsJsonAsync($"/api/releases/{id}/cancel", new { reason = "budget frozen", by = "rm@example.com" }, ct)).StatusCode);
        var cancelled = Assert.Single(await WaitForAsync(id, "Release cancelled", 1, ct));

        Assert.All(moved2.Append(cancelled), m => Assert.Equal(["stakeholder@example.com"], m.To.Mailboxes.Select(b => b.Address)));
        Assert.Contains(moved2, m => (m.Subject ?? string.Empty).Contains($"moves from {first:yyyy-MM-dd} to {second:yyyy-MM-dd}", StringComparison.Ordinal));
        Assert.Contains("budget frozen", cancelled.TextBody, StringComparison.Ordinal);
        var invites = moved2.Select(Invite).OrderBy(c => c.Events.Single().Sequence).ToArray();
        var cancel = Invite(cancelled);
        Assert.Equal([1, 2], invites.Select(c => c.Events.Single().Sequence));
        Assert.All(invites, c => Assert.Equal("REQUEST", c.Method));
        Assert.Equal("CANCEL", cancel.Method);
        Assert.True(cancel.Events.Single().Sequence > 2);
        Assert.Single(invites.Append(cancel).Select(c => c.Events.Single().Uid).Distinct());
        Assert.Equal(WindowCalendar.WindowsOn(ReleasePolicyDefaults.Create(), second)[0].Start.UtcDateTime, invites[1].Events.Single().DtStart!.AsUtc);
        Assert.NotEmpty(moved1);

        // The review meeting (issue 27, point 3): invited with the release, moved with each date, cancelled with it. The
        // release is a Tuesday's: the review is the Thursday after, 14:00 New York; moved to a Thursday it falls on a
        // Saturday and is held the Monday after.
        var reviews = (await WaitForAsync(id, "Release review meeting", 4, ct)).Select(m => (Message: m, Calendar: Invite(m)))
            .OrderBy(r => r.Calendar.Events.Single().Sequence).ToArray();
        Assert.Equal([0, 1, 2, 3], reviews.Select(r => r.Calendar.Events.Single().Sequence));
        Assert.Equal(["REQUEST", "REQUEST", "REQUEST", "CANCEL"], reviews.Select(r => r.Calendar.Method));
        Assert.All(reviews, r => Assert.Equal(ReleaseInvite.MeetingUid(id, "release-review"), r.Calendar.Events.Single().Uid));
        var zone = PolicyTime.Zone(ReleasePolicyDefaults.Create());
        Assert.Equal(
            new[] { original.AddDays(2), first.AddDays(4), second.AddDays(2) }.Select(d => PolicyTime.AtLocal(zone, d, new TimeOnly(14, 0)).UtcDateTime),
            reviews.Take(3).Select(r => r.Calendar.Events.Single().DtStart!.AsUtc));
        Assert.Contains("budget frozen", reviews[3].Message.TextBody, StringComparison.Ordinal);
        Assert.Contains(reviews[0].Calendar.Events.Single().Attendees, a => a.Value!.ToString().Contains("stakeholder@example.com", StringComparison.Ordinal));
    }

    private static Calendar Invite(MimeMessage message)
    {
        var part = message.Attachments.OfType<MimePart>().Single(a => a.ContentType.MimeType == "text/calendar");
        using var stream = new MemoryStream();
        part.Content!.DecodeTo(stream);
        return Calendar.Load(System.Text.Encoding.UTF8.GetString(stream.ToArray()))!;
    }

    /// <summary>The messages about <paramref name="releaseId"/> whose subject contains <paramref name="subject"/>, once there are <paramref name="count"/>.</summary>
    private async Task<IReadOnlyList<MimeMessage>> WaitForAsync(string releaseId, string subject, int count, CancellationToken ct)
    {
        var found = await ReleaseFunctions.TestSupport.Eventually.UntilAsync(
            async () => (await system.Smtp.ListAsync(ct)).Where(s => s.Subject.Contains($"[{releaseId}] {subject}", StringComparison.Ordinal)).ToArray(),
            found => found.Length >= count,
            TimeSpan.FromSeconds(60),
            $"{count} message(s) '{subject}' for {releaseId}",
            found => $"{found.Length} arrived");
        using var http = new HttpClient { BaseAddress = TestEnvironment.SmtpApi };
        var messages = new List<MimeMessage>();
        foreach (var s in found)
        {
            await using var raw = await http.GetStreamAsync($"/api/messages/{s.Id}/download", ct);
            messages.Add(await MimeMessage.LoadAsync(raw, ct));
        }

        return messages;
    }
}
