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
/// little after the test starts (T is the opening of the production window of today's target date,
/// <see cref="CommunicationSchedule.ReleaseTime"/>). The release is requested for tomorrow and moved to today, so no notice
/// is missed however slowly the host starts. The T-notices are due while the release is still in flight, so they come
/// from the timeline (its timers, or the re-plan for one already due), not from the release's end; the T+1 report and the
/// outcome follow the end.
/// </summary>
public sealed class NoticeTimelineTests : IAsyncDisposable
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
    /// whole hour of today (local), the test's audiences, and the T-30 … T-1 notices at <paramref name="firstAt"/> and
    /// <see cref="Spacing"/> apart (the T+1 report keeps its day: it follows the release's end).
    /// </summary>
    private static (ReleasePolicy Policy, DateOnly Today) Policy(DateTimeOffset firstAt)
    {
        var defaults = ReleasePolicyDefaults.Create();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Zone);
        var local = TimeZoneInfo.ConvertTime(firstAt, zone);
        var today = DateOnly.FromDateTime(local.DateTime);
        var start = new TimeOnly(Math.Min(local.Hour + 2, 23), 0);
        var policy = defaults with
        {
            TimeZone = Zone,
            ReleaseWindows = new()
            {
                Weekly = Enum.GetValues<DayOfWeek>().Select(d => new WeeklyWindow { Day = d, Start = start, Duration = TimeSpan.FromHours(2) }).ToArray(),
                Blackouts = [],
            },
            SuccessCriteria = defaults.SuccessCriteria with { WatchDuration = TimeSpan.FromSeconds(2), CheckInterval = TimeSpan.FromSeconds(1), ValidationDelay = TimeSpan.Zero },
            Audiences = Audiences,
        };
        var t = CommunicationSchedule.ReleaseTime(policy, today);
        var before = policy.Communications.Where(c => c.Offset < TimeSpan.Zero).OrderBy(c => c.Offset).Select(c => c.Id).ToList();
        return (policy with
        {
            Communications = policy.Communications
                .Select(c => c.Offset < TimeSpan.Zero ? c with { Offset = firstAt + (Spacing * before.IndexOf(c.Id)) - t } : c)
                .ToArray(),
        }, today);
    }

    [Theory]
    [InlineData(59.4, "59 s")]
    [InlineData(245, "4 min 5 s")]
    [InlineData(3 * 3600 + 12 * 60 + 7, "3 h 12 min")]
    [InlineData(2 * 86400 + 4 * 3600, "2 d 4 h")]
    public void Elapsed_MeasuredDuration_ReadsToTheSecondAtMost(double seconds, string expected) =>
        Assert.Equal(expected, ReleaseManagement.Api.Communications.NoticeModel.Elapsed(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public async Task Lifecycle_HotfixToCompleted_SmtpGetsEveryNoticeWithItsAudiencesAndContent()
    {
        var firstAt = DateTimeOffset.FromUnixTimeSeconds((DateTimeOffset.UtcNow + Lead).ToUnixTimeSeconds());
        var (policy, today) = Policy(firstAt);
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
            id, title = "Certificate <renewal>", type = "Hotfix", systems = new[] { "Billing" }, targetDate = $"{today.AddDays(1):yyyy-MM-dd}",
            requestedBy = "lead2@example.com", approvers = ReleaseFunctions.TestSupport.ValidRelease.Approvers,
        });
        await WaitAsync(client, id, r => r["pendingApprovals"]!.AsArray().Count > 0, "the emergency approval to be asked");

        // Planned for tomorrow, every notice is a day away and none is missed, however long the host took to start; moved
        // to today, the T-notices fall due from firstAt on (one whose time passed while the host was slow goes out at once).
        using (var moved = await client.PatchAsJsonAsync($"/api/releases/{id}", new { targetDate = $"{today:yyyy-MM-dd}", by = "rm@example.com", reason = "the certificate expires sooner" }, Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, moved.StatusCode);
        }

        var rescheduled = await ArrivedAsync(client, id, "Release rescheduled");
        await PostAsync(client, $"/api/releases/{id}/decisions", new { stage = "emergency", decision = "approve", approver = "rm@example.com", role = "release-manager" });
        await PostAsync(client, $"/api/releases/{id}/decisions", new { stage = "emergency", decision = "approve", approver = "lead@example.com", role = "technical-lead" });
        foreach (var item in new[] { "unit-tests", "regression-tests" })
        {
            await PostAsync(client, $"/api/releases/{id}/evidence", new { item, kind = "evidence", by = "ci@example.com", passed = true });
        }

        foreach (var item in new[] { "environment-health", "backup", "monitoring-active" })
        {
            await PostAsync(client, $"/api/releases/{id}/evidence", new { item, kind = "evidence", by = "ci@example.com", passed = true, environment = "production" });
        }

        foreach (var (environment, key) in new[] { ("staging", DeploymentEnvironment.Staging), ("production", DeploymentEnvironment.Production) })
        {
            var settings = policy.Environments[key].RequiredSettings;
            await PostAsync(client, $"/api/releases/{id}/evidence", new { item = "environment-configuration", kind = "configuration", by = "ops@example.com", environment, settings });
        }

        await PostAsync(client, $"/api/releases/{id}/evidence", new { item = "security-scan", kind = "evidence", by = "ci@example.com", value = 0 });
        var productionAt = DateTimeOffset.MinValue;
        foreach (var environment in new[] { "staging", "production" })
        {
            await WaitAsync(client, id, r => (string?)r["stage"] == $"deploy:{environment}", $"the deployment to {environment} to be requested");
            productionAt = await DeployedAsync(client, id, environment);
        }

        // No health data is read on the local host: the validation and the watch each wait for the release manager's sign-off.
        foreach (var step in new[] { "Post-deployment validation ended without monitoring data", "Watch ended without monitoring data" })
        {
            await WaitAsync(client, id, r => ((string?)r["statusReason"] ?? "").Contains(step, StringComparison.Ordinal), step);
            await PostAsync(client, $"/api/releases/{id}/evidence", new { item = "watch-signoff", kind = "attestation", by = "rm@example.com", note = "Checked the dashboards by hand" });
        }

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

        var stillInFlight = await GetAsync(client, $"/api/releases/{id}");
        Assert.Equal("Active", (string?)stillInFlight["status"]);
        await WaitAsync(client, id, r => (string?)r["stage"] == "emergency-review", "the emergency review to be due");
        await PostAsync(client, $"/api/releases/{id}/evidence", new { item = "emergency-review", kind = "attestation", by = "rm@example.com", note = "Root cause: expired certificate" });
        var done = await WaitAsync(client, id, r => (string?)r["status"] != "Active", "the hotfix to end");
        Assert.Equal("Completed", (string?)done["status"]);
        var report = await ArrivedAsync(client, id, "Post-deployment status report");
        var completed = await ArrivedAsync(client, id, "Release completed");

        // Recipients: the audiences of each notice, addresses and the people of its roles, each once.
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Zone);
        Assert.Equal(People("stakeholders", "development-team"), To(early["Release planning announcement"]));
        Assert.Equal(People("development-team", "qa-team", "stakeholders"), To(early["Feature freeze notification"]));
        Assert.Equal(People("qa-team", "stakeholders"), To(early["Testing phase initiation"]));
        Assert.Equal(People("stakeholders", "operations"), To(early["Deployment readiness confirmation"]));
        Assert.Equal(People("stakeholders", "users", "operations"), To(early["Final deployment notification"]));
        Assert.Equal(People("stakeholders", "development-team"), To(report));
        Assert.Equal(People("stakeholders"), To(completed));
        Assert.Equal(People("stakeholders"), To(rescheduled));
        Assert.Contains($"moves from {today.AddDays(1):yyyy-MM-dd} to {today:yyyy-MM-dd}", rescheduled.TextBody, StringComparison.Ordinal);
        Assert.All(early.Values.Append(report).Append(completed), m =>
        {
            Assert.EndsWith(": Certificate <renewal>", m.Subject, StringComparison.Ordinal);
            Assert.Contains("Certificate &lt;renewal&gt;", m.HtmlBody, StringComparison.Ordinal);
            Assert.Contains($"Times are in {Zone}.", m.TextBody, StringComparison.Ordinal);
        });

        // The window, in the policy's local time, on the announcement and the final notice; their invites hold it in UTC.
        var window = WindowCalendar.WindowsOn(policy, today)[0];
        var windowText = $"{PolicyTime.DescribeLocal(zone, window.Start)} to {PolicyTime.DescribeLocal(zone, window.End)}";
        Assert.Contains($"{today:yyyy-MM-dd} {TimeZoneInfo.ConvertTime(window.Start, zone):HH}:00 ({today.DayOfWeek}) {Zone}", windowText, StringComparison.Ordinal);
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
        Assert.Contains($"- Staging: {policy.Environments[DeploymentEnvironment.Staging].Purpose}", early["Testing phase initiation"].TextBody, StringComparison.Ordinal);
        Assert.Contains("Rollback plan: ", early["Deployment readiness confirmation"].TextBody, StringComparison.Ordinal);
        Assert.StartsWith("# Release notes: Certificate \\<renewal\\>", Attachment(early["Final deployment notification"], "text/markdown"), StringComparison.Ordinal);

        // The T+1 report: the health verdict (no monitoring data here, and the sign-off that let the release pass), the
        // deployments in local time, the figures, the notes.
        Assert.Contains("Success criteria met with no monitoring data: passed on the sign-off of release-manager (watch-signoff)", report.TextBody, StringComparison.Ordinal);
        Assert.Contains("No monitoring data: no health reading judged this release against its thresholds.", report.TextBody, StringComparison.Ordinal);
        Assert.Contains("Watch signed off WITHOUT health data by rm@example.com: Checked the dashboards by hand.", report.TextBody, StringComparison.Ordinal);
        Assert.Contains($"- Billing to production at {PolicyTime.DescribeLocal(zone, productionAt)}: success", report.TextBody, StringComparison.Ordinal);
        Assert.Matches(@"Lead time \(request to production\): (\d+ min )?\d+ s\r?\n", report.TextBody);
        Assert.Contains($"deployed to production at {PolicyTime.DescribeLocal(zone, productionAt)}: success", Attachment(report, "text/markdown"), StringComparison.Ordinal);
        Assert.Contains("Release completed. Released to production; success criteria met.", completed.TextBody, StringComparison.Ordinal);
        Assert.Contains("Status:      Completed: Released to production; success criteria met.", completed.TextBody, StringComparison.Ordinal);
        Assert.Contains("Success criteria met with no monitoring data: ", completed.TextBody, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(TestEnvironment.ArtifactsDirectory, "notice-post-deployment-report.html"), report.HtmlBody, Ct);

        // Each went out once, and the timeline says so.
        var summaries = (await _smtp.ListAsync(Ct)).Where(s => s.Subject.StartsWith($"[{id}] ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(before.Length + 3, summaries.Length);
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
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var found = (await _smtp.ListAsync(Ct)).Where(s => s.Subject.StartsWith($"[{releaseId}] {description}", StringComparison.Ordinal)).ToArray();
            if (found.Length > 0)
            {
                return await _smtp.DownloadAsync(Assert.Single(found).Id, Ct);
            }

            if (DateTime.UtcNow > deadline)
            {
                var timeline = (await GetAsync(client, $"/api/releases/{releaseId}"))["timeline"]!.AsArray().Select(t => (string?)t!["message"]);
                throw new TimeoutException($"'{description}' for {releaseId} did not arrive; the release's timeline:\n{string.Join("\n", timeline)}");
            }

            await Task.Delay(200, Ct);
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

    private static async Task<JsonObject> WaitAsync(HttpClient client, string id, Func<JsonObject, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var release = await GetAsync(client, $"/api/releases/{id}");
            if (condition(release))
            {
                return release;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}; last: {release.ToJsonString()}");
            }

            await Task.Delay(100, Ct);
        }
    }

    /// <summary>A CDEvents <c>service.deployed</c> of Billing 1.0.1 for the release, signed as a CDEvents sender signs it; returns its time.</summary>
    private static async Task<DateTimeOffset> DeployedAsync(HttpClient client, string releaseId, string environment)
    {
        var now = DateTimeOffset.UtcNow;
        using var request = ReleaseFunctions.TestSupport.SignedCDEvents.Deployed(releaseId, environment, Secret, now);
        using var response = await client.SendAsync(request, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        return DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
    }
}
