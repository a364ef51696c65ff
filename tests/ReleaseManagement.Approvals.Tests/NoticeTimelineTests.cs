using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ical.Net;
using MimeKit;
using ReleaseManagement.Approvals.Tests.Infrastructure;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using Calendar = Ical.Net.Calendar;

namespace ReleaseManagement.Approvals.Tests;

/// <summary>
/// Every notice of the communication plan as its readers get it: a hotfix driven from request to Completed on the local
/// host (its own process, durable engine on Azurite, mail through smtp4dev) under a policy whose audiences mix addresses
/// and roles, in a time zone that is not UTC, and whose T-30 … T-1 offsets put those notices a couple of seconds apart a
/// little after the test starts (T is the opening of the production window of the target date,
/// <see cref="ProductionSlot.Start"/>: today's, or tomorrow's when the window opens after local midnight, so
/// the test does not depend on the wall clock's date while it runs). The release is requested for the day after and moved
/// to its day, so no notice is missed however slowly the host starts. The hotfix is driven through its gates by the shared
/// <see cref="ReleaseFunctions.TestSupport.HotfixDriver"/>. The T-notices are due while the release is still in flight, so they come
/// from the timeline (its timers, or the re-plan for one already due), not from the release's end; the T+1 report and the
/// outcome follow the end.
/// </summary>
[ReleaseFunctions.TestSupport.StartFirst]
public sealed partial class NoticeTimelineTests : IAsyncDisposable
{
    private const string Secret = "notice-timeline-cdevents-secret-0123456789";

    /// <summary>Half an hour off the hour from UTC: a time shown in UTC by mistake cannot pass for local time.</summary>
    private const string Zone = "Asia/Kolkata";

    /// <summary>How long after the policy is written the first T-notice is due: the host starts and takes the release meanwhile.</summary>
    private static readonly TimeSpan Lead = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan Spacing = TimeSpan.FromSeconds(2);

    private readonly string _policyPath = Path.Combine(Path.GetTempPath(), $"notice-timeline-policy-{Guid.NewGuid():N}.json");
    private readonly Smtp4Dev _smtp = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync()
    {
        File.Delete(_policyPath);
        _smtp.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The audiences of the test policy: each a distribution list plus the people of a role.</summary>
    private static readonly Dictionary<string, IReadOnlyList<string>> Audiences = new()
    {
        ["stakeholders"] = ["role:stakeholder", "finance-leads@example.com"],
        ["development-team"] = ["role:technical-lead", "dev-team@example.com"],
        ["qa-team"] = ["role:qa-lead", "qa-team@example.com"],
        ["operations"] = ["role:release-manager", "ops@example.com"],
        ["users"] = ["users@example.com"],
    };

    /// <summary>The people each audience reaches for a release naming <see cref="ReleaseFunctions.TestSupport.ValidRelease.Approvers"/>.</summary>
    private static readonly Dictionary<string, string[]> Reaches = new()
    {
        ["stakeholders"] = ["stakeholder@example.com", "finance-leads@example.com"],
        ["development-team"] = ["lead@example.com", "lead2@example.com", "dev-team@example.com"],
        ["qa-team"] = ["qa@example.com", "qa-team@example.com"],
        ["operations"] = ["rm@example.com", "ops@example.com"],
        ["users"] = ["users@example.com"],
    };

    private static string[] People(params string[] audiences) =>
        audiences.SelectMany(a => Reaches[a]).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// The built-in policy with a two-second watch, in <see cref="Zone"/>, a production window every day starting at a
    /// whole hour one to two hours after <paramref name="firstAt"/> (local), the test's audiences, and the T-30 … T-1 notices
    /// at <paramref name="firstAt"/> and <see cref="Spacing"/> apart (the T+1 report keeps its day: it follows the release's
    /// end). <c>Day</c>, the release's target date, is the window's day, from this one clock reading: the day of
    /// <paramref name="firstAt"/>, or the next one when the window opens after local midnight. The window opens an hour
    /// after <paramref name="firstAt"/> at the earliest, so the wall clock does not reach the day after <c>Day</c> while
    /// the test runs, and every T-notice stays before T. The hotfix may be planned two days ahead (the built-in one day
    /// does not reach the day after <c>Day</c> when <c>Day</c> is tomorrow).
    /// </summary>
    private static (ReleasePolicy Policy, DateOnly Day) Policy(DateTimeOffset firstAt)
    {
        var defaults = ReleasePolicyDefaults.Create();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Zone);
        var local = TimeZoneInfo.ConvertTime(firstAt, zone).DateTime;
        var opening = local.Date.AddHours(local.Hour + 2);
        var day = DateOnly.FromDateTime(opening);
        var start = TimeOnly.FromDateTime(opening);
        var policy = defaults with
        {
            Access = new() { RequestMayNameApprovers = true, PeopleMayReportMachineEvidence = true }, // requests name the shared test approvers (ValidRelease.Approvers)
            TimeZone = Zone,
            ReleaseTypes = defaults.ReleaseTypes.ToDictionary(
                kv => kv.Key,
                kv => kv.Key == ReleaseManagement.Releases.ReleaseType.Hotfix
                    ? kv.Value with { PlanningHorizon = kv.Value.PlanningHorizon with { MaxLeadTime = TimeSpan.FromDays(2) } }
                    : kv.Value),
            ReleaseWindows = new()
            {
                Weekly = Enum.GetValues<DayOfWeek>().Select(d => new WeeklyWindow { Day = d, Start = start, Duration = TimeSpan.FromHours(2) }).ToArray(),
                Blackouts = [],
            },
            SuccessCriteria = defaults.SuccessCriteria with
            {
                WatchDuration = TimeSpan.FromSeconds(2), CheckInterval = TimeSpan.FromSeconds(1), ValidationDelay = TimeSpan.Zero,
                MinSatisfaction = 3.5m, MinResponses = 2,
            },
            Audiences = Audiences,
            // The meetings may be held any day, so that the review's move does not depend on the day the test runs.
            Meetings = [.. defaults.Meetings.Select(m => m with { Days = Enum.GetValues<DayOfWeek>() })],
        };
        var t = ProductionSlot.Of(policy, day, ProductionSlot.AsPlanned).Start;
        var before = policy.Communications.Where(c => c.Offset < TimeSpan.Zero).OrderBy(c => c.Offset).Select(c => c.Id).ToList();
        return (policy with
        {
            Communications = policy.Communications
                .Select(c => c.Offset < TimeSpan.Zero ? c with { Offset = firstAt + (Spacing * before.IndexOf(c.Id)) - t } : c)
                // The readiness confirmation, once missing, is looked for again every second (default: every hour).
                .Select(c => c.Confirm is { } confirm ? c with { Confirm = confirm with { RecheckEvery = TimeSpan.FromSeconds(1) } } : c)
                .ToArray(),
        }, day);
    }

    [Theory]
    [InlineData(59.4, "59 s")]
    [InlineData(245, "4 min 5 s")]
    [InlineData(3 * 3600 + 12 * 60 + 7, "3 h 12 min")]
    [InlineData(2 * 86400 + 4 * 3600, "2 d 4 h")]
    public void Elapsed_MeasuredDuration_ReadsToTheSecondAtMost(double seconds, string expected) =>
        Assert.Equal(expected, ReleaseManagement.Api.Communications.NoticeModel.Elapsed(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData("2026-11-29T12:59:50Z")] // 18:29:50 in Kolkata
    [InlineData("2026-11-29T16:29:59Z")] // 21:59:59
    [InlineData("2026-11-29T17:00:00Z")] // 22:30:00
    [InlineData("2026-11-29T18:29:59Z")] // 23:59:59
    [InlineData("2026-11-29T18:30:01Z")] // 00:00:01, the next day
    public void Policy_AnyTimeOfTheLocalDay_EveryTNoticeBeforeTAndTheDaysValidUntilTheWindow(string first)
    {
        var firstAt = DateTimeOffset.Parse(first, CultureInfo.InvariantCulture);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Zone);

        var (policy, day) = Policy(firstAt);

        var t = ProductionSlot.Of(policy, day, ProductionSlot.AsPlanned).Start;
        Assert.Equal(day, PolicyTime.LocalDate(zone, t));
        Assert.True(t >= firstAt + TimeSpan.FromHours(1), $"T {t:u} is less than an hour after {firstAt:u}");
        var due = policy.Communications.Where(c => c.Offset < TimeSpan.Zero).OrderBy(c => c.Offset).Select(c => t + c.Offset).ToArray();
        Assert.Equal(Enumerable.Range(0, due.Length).Select(i => firstAt + (Spacing * i)), due);

        // Requested for the day after and moved to its day: both inside the hotfix's horizon from the local date of any
        // moment between the first notice and T.
        var horizon = policy.ReleaseTypes[ReleaseManagement.Releases.ReleaseType.Hotfix].PlanningHorizon;
        foreach (var now in new[] { firstAt, t - TimeSpan.FromSeconds(1) })
        {
            var today = PolicyTime.LocalDate(zone, now);
            Assert.InRange(day.DayNumber - today.DayNumber, (int)horizon.MinLeadTime.TotalDays, (int)horizon.MaxLeadTime.TotalDays - 1);
        }
    }

    [Fact]
    public async Task Lifecycle_HotfixToCompleted_SmtpGetsEveryNoticeWithItsAudiencesAndContent()
    {
        var firstAt = DateTimeOffset.FromUnixTimeSeconds((DateTimeOffset.UtcNow + Lead).ToUnixTimeSeconds());
        var (policy, day) = Policy(firstAt);
        var system = ReleaseFunctions.TestSupport.OwnSystem.NewName("ntc");
        policy = ReleaseFunctions.TestSupport.OwnSystem.AddTo(policy, [system]);
        Assert.True(ProductionSlot.Of(policy, day, ProductionSlot.AsPlanned).Start >= firstAt + TimeSpan.FromHours(1), $"T on {day} is an hour after {firstAt:u} at the earliest");
        await File.WriteAllTextAsync(_policyPath, PolicyJson.Serialize(policy), Ct);
        await using var host = await LocalHostProcess.StartAsync(new Dictionary<string, string>
        {
            ["Approvals__FormKey"] = ApprovalSystem.FormKey,
            ["Approvals__RequireSignedInApprover"] = "false",
            ["Email__Transport"] = "Smtp",
            ["Smtp__Host"] = "127.0.0.1",
            ["Smtp__Port"] = TestEnvironment.SmtpPort.ToString(CultureInfo.InvariantCulture),
            ["Smtp__Security"] = "None",
            ["Webhooks__CDEvents__Secrets__0"] = Secret,
            ["Policy__Path"] = _policyPath,
        }, Ct);
        var client = host.Client;
        var id = TestEnvironment.UniqueId("ntc");

        await PostAsync(client, "/api/releases", new
        {
            id, title = "Certificate <renewal>", type = "Hotfix", systems = new[] { system }, targetDate = $"{day.AddDays(1):yyyy-MM-dd}",
            requestedBy = "lead2@example.com", approvers = ReleaseFunctions.TestSupport.ValidRelease.Approvers,
            objectives = new[] { new { id = "renewal-verified", description = "Partners confirm the new certificate works", attestedBy = "product-owner" } },
        });
        await WaitAsync(client, id, r => r["pendingApprovals"]!.AsArray().Count > 0, "the emergency approval to be asked");

        // Planned for the day after, every notice is a day away and none is missed, however long the host took to start;
        // moved to its day, the T-notices fall due from firstAt on (one whose time passed while the host was slow goes out at once).
        using (var moved = await client.PatchAsJsonAsync($"/api/releases/{id}", new { targetDate = $"{day:yyyy-MM-dd}", by = "rm@example.com", reason = "the certificate expires sooner" }, Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, moved.StatusCode);
        }

        var rescheduled = await ArrivedAsync(client, id, "Release rescheduled");
        var hotfix = new ReleaseFunctions.TestSupport.HotfixDriver(client, id, policy, Secret, Ct) { System = system };
        await hotfix.ApproveEmergencyAsync();
        await hotfix.SubmitGateEvidenceAsync();
        var productionAt = await hotfix.DeployAsync();

        // No health data is read on the local host: the validation and the watch each wait for the release manager's sign-off.
        await hotfix.SignOffMissingHealthDataAsync("Checked the dashboards by hand");

        // The T-notices arrive from the timeline's timers while the release still waits for its review (the release's
        // end would skip any T-notice not sent yet): then the review ends it, and the T+1 report and the outcome follow.
        var before = new[]
        {
            "Release planning announcement", "Feature freeze notification", "Testing phase initiation", "Deployment readiness confirmation", "Final deployment notification",
        };
        var early = new Dictionary<string, MimeMessage>(StringComparer.Ordinal);
        foreach (var description in before)
        {
            early[description] = await ArrivedAsync(client, id, description);
        }

        // Nobody confirmed the readiness the T-3 notice asked the release manager for: at T-1 the release is warned and the
        // plan's approvers told; the release manager's attestation, late, clears the warning.
        var unconfirmed = await ArrivedAsync(client, id, "Not confirmed: Deployment readiness");
        Assert.Contains("rm@example.com", To(unconfirmed));
        Assert.Contains("Deployment readiness of release " + id + " is not confirmed", unconfirmed.TextBody, StringComparison.Ordinal);
        static bool Warned(JsonObject r) => r["warnings"]?.AsArray().Any(w => (string?)w!["code"] == "confirmation-missing") == true;
        Assert.True(Warned(await GetAsync(client, $"/api/releases/{id}")), "the confirmation-missing warning");
        await PostAsync(client, $"/api/releases/{id}/evidence", new { item = "deployment-readiness", kind = "attestation", by = "rm@example.com", note = "Checklist reviewed late" });
        await WaitAsync(client, id, r => !Warned(r), "the confirmation-missing warning to clear");

        var stillInFlight = await GetAsync(client, $"/api/releases/{id}");
        Assert.Equal("Active", (string?)stillInFlight["status"]);
        Assert.Equal(HttpStatusCode.Conflict, await AttestObjectiveAsync(client, id, "po@example.com", met: true));
        var done = await hotfix.ReviewAsync("Root cause: expired certificate");
        Assert.Equal("Completed", (string?)done["status"]);
        await ObjectivesOverHttpAsync(client, id);
        // The T+1 report asks for feedback: each of its readers gets it alone, with a link of their own.
        var reports = await ArrivedEachAsync(id, "Post-deployment status report", People("stakeholders", "development-team").Length);
        var report = reports[0];
        var completed = await ArrivedAsync(client, id, "Release completed");

        // Recipients: the audiences of each notice, addresses and the people of its roles, each once.
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Zone);
        Assert.Equal(People("stakeholders", "development-team"), To(early["Release planning announcement"]));
        Assert.Equal(People("development-team", "qa-team", "stakeholders"), To(early["Feature freeze notification"]));
        Assert.Equal(People("qa-team", "stakeholders"), To(early["Testing phase initiation"]));
        // The readiness notice goes to the release manager too, who confirms it.
        Assert.Equal(People("stakeholders", "operations").Append("rm@example.com").Distinct().Order(StringComparer.Ordinal), To(early["Deployment readiness confirmation"]));
        Assert.Contains("Please confirm: release-manager (rm@example.com), attest deployment-readiness", early["Deployment readiness confirmation"].TextBody, StringComparison.Ordinal);
        Assert.Equal(People("stakeholders", "users", "operations"), To(early["Final deployment notification"]));
        Assert.Equal(People("stakeholders", "development-team"), reports.SelectMany(To).Order(StringComparer.Ordinal));
        Assert.All(reports, r => Assert.Single(To(r)));
        await FeedbackOverHttpAsync(client, id, reports);
        Assert.Equal(People("stakeholders"), To(completed));
        Assert.Equal(People("stakeholders"), To(rescheduled));
        Assert.Contains($"moves from {day.AddDays(1):yyyy-MM-dd} to {day:yyyy-MM-dd}", rescheduled.TextBody, StringComparison.Ordinal);
        Assert.All(early.Values.Append(report).Append(completed), m =>
        {
            Assert.EndsWith(": Certificate <renewal>", m.Subject, StringComparison.Ordinal);
            Assert.Contains("Certificate &lt;renewal&gt;", m.HtmlBody, StringComparison.Ordinal);
            Assert.Contains($"Times are in {Zone}.", m.TextBody, StringComparison.Ordinal);
        });

        // The window, in the policy's local time, on the announcement and the final notice; their invites hold it in UTC.
        var window = WindowCalendar.WindowsOn(policy, day)[0];
        var windowText = $"{PolicyTime.DescribeLocal(zone, window.Start)} to {PolicyTime.DescribeLocal(zone, window.End)}";
        Assert.Contains($"{day:yyyy-MM-dd} {TimeZoneInfo.ConvertTime(window.Start, zone):HH}:00 ({day.DayOfWeek}) {Zone}", windowText, StringComparison.Ordinal);
        Assert.Contains($"Production window: {windowText}", early["Release planning announcement"].TextBody, StringComparison.Ordinal);
        Assert.Contains($"Window: {windowText}", early["Final deployment notification"].TextBody, StringComparison.Ordinal);
        Assert.Contains("- release-manager: rm@example.com", early["Final deployment notification"].TextBody, StringComparison.Ordinal);
        foreach (var notice in new[] { "Release planning announcement", "Final deployment notification" })
        {
            var calendar = Invite(early[notice]);
            var e = Assert.Single(calendar.Events);
            Assert.Equal("REQUEST", calendar.Method);
            Assert.Equal($"release-{id}@releasefunctions", e.Uid);
            Assert.Equal(window.Start.UtcDateTime, e.DtStart!.AsUtc);
            Assert.Equal(window.End.UtcDateTime, e.DtEnd!.AsUtc);
        }

        // What each of the others says, from the release's state when it was sent.
        Assert.Matches(@"Milestones missing:\r?\n- feature-complete", early["Feature freeze notification"].TextBody);
        Assert.Contains("Code freeze milestone: not reached yet.", early["Feature freeze notification"].TextBody, StringComparison.Ordinal);
        Assert.Contains($"- Staging: {policy.Environments[DeploymentEnvironment.Staging].Purpose}", early["Testing phase initiation"].TextBody, StringComparison.Ordinal);
        Assert.Contains("Rollback plan: ", early["Deployment readiness confirmation"].TextBody, StringComparison.Ordinal);
        Assert.StartsWith("# Release notes: Certificate \\<renewal\\>", Attachment(early["Final deployment notification"], "text/markdown"), StringComparison.Ordinal);

        // The T+1 report: the health verdict (no monitoring data here, and the sign-off that let the release pass), the
        // deployments in local time, the figures, the notes.
        Assert.Contains("Success criteria met with no monitoring data: passed on the sign-off of release-manager (watch-signoff)", report.TextBody, StringComparison.Ordinal);
        Assert.Contains("No monitoring data: no health reading judged this release against its thresholds.", report.TextBody, StringComparison.Ordinal);
        Assert.Contains("Watch signed off WITHOUT health data by rm@example.com: Checked the dashboards by hand.", report.TextBody, StringComparison.Ordinal);
        Assert.Contains($"- {system} to production at {PolicyTime.DescribeLocal(zone, productionAt)}: success", report.TextBody, StringComparison.Ordinal);
        // A whole number of minutes reads "2 min", with no seconds (NoticeModel.Elapsed): a run whose lead time fell on one failed.
        Assert.Matches(@"Lead time \(request to production\): (\d+ min( \d+ s)?|\d+ s)\r?\n", report.TextBody);
        Assert.Contains($"deployed to production at {PolicyTime.DescribeLocal(zone, productionAt)}: success", Attachment(report, "text/markdown"), StringComparison.Ordinal);
        Assert.Contains("Release completed. Released to production; success criteria met.", completed.TextBody, StringComparison.Ordinal);
        Assert.Contains("Status:      Completed: Released to production; success criteria met.", completed.TextBody, StringComparison.Ordinal);
        Assert.Contains("Success criteria met with no monitoring data: ", completed.TextBody, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(TestEnvironment.ArtifactsDirectory, "notice-post-deployment-report.html"), report.HtmlBody, Ct);

        // The review meeting (issue 27, point 3): invited when the hotfix was requested for the day after, moved with it to
        // its day, to the review's audiences, at 14:00 local two days after T; a hotfix holds no planning meeting.
        var reviewInvite = await ArrivedAsync(client, id, "Release review meeting on ");
        var reviewMoved = await ArrivedAsync(client, id, "Release review meeting moved to ");
        Assert.Equal(People("stakeholders", "development-team", "operations"), To(reviewInvite));
        var (invited, movedReview) = (Invite(reviewInvite).Events.Single(), Invite(reviewMoved).Events.Single());
        Assert.Equal((0, 1, invited.Uid), (invited.Sequence, movedReview.Sequence, movedReview.Uid));
        Assert.Equal(PolicyTime.AtLocal(zone, day.AddDays(2), new TimeOnly(14, 0)).UtcDateTime, movedReview.DtStart!.AsUtc);
        Assert.Equal(PolicyTime.AtLocal(zone, day.AddDays(3), new TimeOnly(14, 0)).UtcDateTime, invited.DtStart!.AsUtc);
        Assert.Contains($"moves from {PolicyTime.DescribeLocal(zone, PolicyTime.AtLocal(zone, day.AddDays(3), new TimeOnly(14, 0)))}", reviewMoved.TextBody, StringComparison.Ordinal);

        // Each went out once, and the timeline says so.
        var summaries = (await _smtp.ListAsync(Ct)).Where(s => s.Subject.StartsWith($"[{id}] ", StringComparison.Ordinal)).ToArray();
        Assert.DoesNotContain(summaries, s => s.Subject.Contains("planning meeting", StringComparison.Ordinal));
        Assert.Equal(before.Length + 3 + reports.Count + 2, summaries.Length);
        var timeline = done["timeline"]!.AsArray().Select(t => (string?)t!["message"] ?? "").ToArray();
        Assert.DoesNotContain(timeline, m => m.StartsWith("Missed ", StringComparison.Ordinal));
        Assert.Contains(timeline, m => m.StartsWith("Sent post-deployment-report: ", StringComparison.Ordinal));
    }

    private static string[] To(MimeMessage message) =>
        message.To.Mailboxes.Select(b => b.Address).Order(StringComparer.Ordinal).ToArray();

    private static Calendar Invite(MimeMessage message) => Calendar.Load(Attachment(message, "text/calendar"))!;

    private static string Attachment(MimeMessage message, string mimeType)
    {
        var part = message.Attachments.OfType<MimePart>().Single(a => a.ContentType.MimeType == mimeType);
        using var stream = new MemoryStream();
        part.Content!.DecodeTo(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The one message about <paramref name="releaseId"/> whose subject starts with <paramref name="description"/>, once it arrived.</summary>
    private async Task<MimeMessage> ArrivedAsync(HttpClient client, string releaseId, string description)
    {
        try
        {
            var found = await ReleaseFunctions.TestSupport.Eventually.UntilAsync(
                async () => (await _smtp.ListAsync(Ct)).Where(s => s.Subject.StartsWith($"[{releaseId}] {description}", StringComparison.Ordinal)).ToArray(),
                found => found.Length > 0,
                TimeSpan.FromSeconds(90),
                $"'{description}' for {releaseId}",
                found => $"{found.Length} arrived");
            return await _smtp.DownloadAsync(Assert.Single(found).Id, Ct);
        }
        catch (TimeoutException e)
        {
            var timeline = (await GetAsync(client, $"/api/releases/{releaseId}"))["timeline"]!.AsArray().Select(t => (string?)t!["message"]);
            throw new TimeoutException($"{e.Message}; the release's timeline:\n{string.Join("\n", timeline)}", e);
        }
    }

    private static async Task<JsonObject> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static async Task PostAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST {path}: {response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    private static Task<JsonObject> WaitAsync(HttpClient client, string id, Func<JsonObject, bool> condition, string what) =>
        ReleaseFunctions.TestSupport.Eventually.UntilAsync(() => GetAsync(client, $"/api/releases/{id}"), condition, TimeSpan.FromSeconds(90), what, r => r.ToJsonString());
}
