using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Metrics;
using ReleaseManagement.Azure.Metrics;
using ReleaseManagement.Azure.Monitoring;
using ReleaseManagement.Events;
using ReleaseManagement.Metrics;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Metrics.Tests;

/// <summary>Events in, timer handlers run, stored rollups and report checked: the real table adapters on Azurite.</summary>
public sealed partial class EndToEndTests
{
    private static int _next = Random.Shared.Next(0, Slots);

    private const int Slots = 1900;

    // A year of its own per test: the approval tables are shared and scanned by time. 2101 + 4n is never a leap year
    // (the hand-computed figures count the days of February) and, 4 years apart, no test's trend, catch-up or quarter
    // reaches another test's year. (Mapping a leap year to the next one, as before, let two tests share a year.)
    private readonly int Year = YearFor(Interlocked.Increment(ref _next));

    internal static int YearFor(int n) => 2101 + 4 * (((n % Slots) + Slots) % Slots);

    private DateTimeOffset M(int day, int hour = 0, int month = 3) => new(Year, month, day, hour, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// March: release A (Minor, Billing) merged 1st, deployed 3rd 12:00 after approval at 10:00 (asked 2nd 12:00), an
    /// incident at 18:00, rolled back on the 4th; release B (Patch, Forecasting) merged 9th, a failed deployment on the
    /// 10th 00:00 and a good one at 06:00; an uncorrelated Billing incident on the 20th resolved after 2 h; a failed staging
    /// test run with 2 failures and 81 % coverage.
    /// </summary>
    private async Task<(string A, string B)> SeedMarchAsync(MetricsHarness h)
    {
        var a = MetricsHarness.NewId("a");
        var b = MetricsHarness.NewId("b");
        await h.ReleaseAsync(a, ReleaseType.Minor, "Billing", M(20, month: 2));
        await h.ReleaseAsync(b, ReleaseType.Patch, "Forecasting", M(5));
        await h.EventAsync(CanonicalEventType.ChangeMerged, M(1), a, "Billing", environment: null, outcome: null);
        await h.EventAsync(CanonicalEventType.TestSuiteRunFinished, M(2), a, "Billing", "staging", EventOutcomes.Failure,
            new() { [EventAttributes.TestsFailed] = "2", [EventAttributes.Coverage] = "81" });
        await h.ApprovalAsync(a, "promotion:production", "rm@example.com", "release-manager", M(2, 12), M(3, 10));
        await h.EventAsync(CanonicalEventType.ServiceDeployed, M(3, 12), a, "Billing");
        await h.EventAsync(CanonicalEventType.IncidentDetected, M(3, 18), a, "Billing", outcome: null, attributes: new() { [EventAttributes.Incident] = "INC-A" });
        await h.EventAsync(CanonicalEventType.ServiceRolledBack, M(4), a, "Billing");
        await h.EventAsync(CanonicalEventType.ChangeMerged, M(9), b, "Forecasting", environment: null, outcome: null);
        await h.EventAsync(CanonicalEventType.ServiceDeployed, M(10), b, "Forecasting", outcome: EventOutcomes.Failure);
        await h.EventAsync(CanonicalEventType.ServiceDeployed, M(10, 6), b, "Forecasting");
        await h.EventAsync(CanonicalEventType.IncidentDetected, M(20), null, "Billing", outcome: null, attributes: new() { [EventAttributes.Incident] = "INC-X" });
        await h.EventAsync(CanonicalEventType.IncidentResolved, M(20, 2), null, "Billing", outcome: null, attributes: new() { [EventAttributes.Incident] = "INC-X" });
        return (a, b);
    }

    [Fact]
    public void TestYears_EverySlot_AreDistinctNonLeapAndFourApart()
    {
        var years = Enumerable.Range(0, Slots).Select(YearFor).ToArray();
        Assert.Equal(Slots, years.Distinct().Count());
        Assert.DoesNotContain(years, DateTime.IsLeapYear);
        Assert.True(years.Max() <= 9998);
        Assert.Equal(YearFor(0), YearFor(Slots));
    }

    [Fact]
    public async Task MonthlyReport_SeededMarch_StoredReportHasTheHandComputedNumbers()
    {
        await using var h = new MetricsHarness(M(1, 6, month: 4), catchUpDays: 30);
        var (a, b) = await SeedMarchAsync(h);
        // Issue 27, point 1: the answers to A's and B's feedback links (A: 5, 3 and one unanswered; B: 2).
        foreach (var (release, rating) in new (string, int?)[] { (a, 5), (a, 3), (a, null), (b, 2) })
        {
            var link = new ReleaseManagement.Feedback.FeedbackLink(release, Guid.NewGuid().ToString("N"), $"{Guid.NewGuid():N}@example.com", "post-deployment-report@x", M(5));
            await h.Feedback.AddAsync(link, Ct);
            if (rating is { } r)
            {
                await h.Feedback.AnswerAsync(link.TokenHash, r, null, M(6), Ct);
            }
        }

        // Every finished day of the metrics page's window, October to March (182 days; catch-up and yesterday are in it).
        Assert.Equal(182, await h.Jobs.RunDailyRollupAsync(Ct));
        h.Clock.SetUtcNow(M(1, 7, month: 4));
        await h.Jobs.RunReportAsync(PeriodKind.Month, Ct);

        var stored = await h.Reports.GetAsync(ReportPeriod.Month(Year, 3), Ct);
        Assert.NotNull(stored);
        var m = stored.Report.Overall;
        Assert.Equal($"{Year}-03", stored.Report.Period);
        Assert.Equal(new RateValue(66.67m, 2, 3), m.DeploymentSuccessRate);
        Assert.Equal(new RateValue(66.67m, 2, 3), m.Dora.ChangeFailureRate); // the failed attempt, and A (incident, rollback)
        Assert.Equal(new RollbackValue(0.5m, 1, 2), m.RollbackFrequency);
        Assert.Equal(new RateValue(50m, 2, 4), m.DefectEscapeRate);
        Assert.Equal(new CoverageValue(1, 81m, 81m, 0), m.TestCoverage);
        Assert.Equal(new DurationValue(1, 2, 2), m.DeploymentTime);
        Assert.Equal(new DurationValue(2, 45, 57), m.ChangeLeadTimeFromMerge); // 60 h and 30 h
        Assert.Equal(new DurationValue(2, 201, 261), m.ChangeLeadTimeFromRequest); // 276 h and 126 h
        Assert.Equal(new RecoveryValue(new DurationValue(2, 4, 5.6), 0), m.RecoveryTime); // 6 h (rollback) and 2 h
        Assert.Equal(new DurationValue(1, 6, 6), m.Dora.FailedDeploymentRecoveryTime);
        Assert.Equal(0.0645, m.Dora.DeploymentsPerDay); // 2 / 31
        Assert.Equal(DoraBand.Medium, m.Dora.DeploymentFrequencyBand.Band);
        Assert.Equal(DoraBand.High, m.Dora.LeadTimeBand.Band);
        Assert.Equal(DoraBand.Low, m.Dora.ChangeFailureRateBand.Band);
        Assert.Equal(DoraBand.High, m.Dora.RecoveryTimeBand.Band);
        Assert.Equal(2024, m.Dora.ChangeFailureRateBand.Year);
        Assert.Equal(new DurationValue(1, 22, 22), m.Approvals.Wait);
        Assert.Equal(7.97m, m.Approvals.WaitShareOfLeadTime.Percent); // 22 h of 276 h
        var rm = Assert.Single(m.Approvals.ByRole);
        Assert.Equal(("release-manager", 1, 1), (rm.Role, rm.Asks, rm.Approved));
        Assert.Equal(new DurationValue(1, 22, 22), rm.Latency);

        Assert.Equal(1, stored.Report.BySystem.Single(s => s.Name == "Forecasting").Metrics.Dora.ChangeFailureRate.Numerator);
        Assert.Equal(1, stored.Report.ByReleaseType.Single(s => s.Name == "Minor").Metrics.Deployments);
        Assert.Equal(7, stored.Report.Trend.Count);
        Assert.All(stored.Report.Trend.Take(6), p => Assert.Null(p.ChangeFailureRatePercent)); // no data, not 0 %

        // User satisfaction per release type, from the releases deployed to production in the month.
        var satisfaction = stored.Report.SatisfactionByReleaseType.ToDictionary(x => x.Name);
        Assert.Equal((1, 3, 2, 4m), (satisfaction["Minor"].Releases, satisfaction["Minor"].Asked, satisfaction["Minor"].Responses, satisfaction["Minor"].Mean));
        Assert.Equal((1, 1, 1, 2m), (satisfaction["Patch"].Releases, satisfaction["Patch"].Asked, satisfaction["Patch"].Responses, satisfaction["Patch"].Mean));
        Assert.Equal((0, (decimal?)null), (satisfaction["Major"].Releases, satisfaction["Major"].Mean));

        Assert.Equal(["stakeholder@example.com", "rm@example.com"], stored.EmailedTo);
        var mail = Assert.Single(Directory.GetFiles(h.Mailbox, "*.eml"));
        var text = await File.ReadAllTextAsync(mail, Ct);
        Assert.Contains($"Release metrics: monthly report {Year}-03", text);
        Assert.Contains("Minor: 4 of 5 from 2 of 3 asked in 1 release(s)", text);
    }

    [Fact]
    public async Task DailyRollup_RerunOfADay_GivesTheSameRows_AndTheReportIsEmailedOnce()
    {
        await using var h = new MetricsHarness(M(1, 6, month: 4), catchUpDays: 31);
        await SeedMarchAsync(h);
        await h.Jobs.RunDailyRollupAsync(Ct);
        var before = await h.Daily.ListAsync(new DateOnly(Year, 3, 3), new DateOnly(Year, 3, 5), cancellationToken: Ct);

        await h.Service_.RollupDayAsync(new DateOnly(Year, 3, 3), Ct);
        await h.Service_.RollupDayAsync(new DateOnly(Year, 3, 4), Ct);
        var after = await h.Daily.ListAsync(new DateOnly(Year, 3, 3), new DateOnly(Year, 3, 5), cancellationToken: Ct);

        static string Json(IEnumerable<DailyRollup> rows) =>
            JsonSerializer.Serialize(rows.OrderBy(r => r.Date).ThenBy(r => r.System, StringComparer.Ordinal).Select(r => r with { ComputedAt = default }), MetricsJson.Options);
        Assert.Equal(Json(before), Json(after));
        Assert.Equal(["*", "Billing"], after.Where(r => r.Date.Day == 3).Select(r => r.System).Order(StringComparer.Ordinal));
        Assert.Equal(new DailyCounts(1, 1, 0, 1, 0, 0, 1), after.Single(r => r.Date.Day == 3 && r.System == "*").Counts);

        h.Clock.SetUtcNow(M(1, 7, month: 4));
        await h.Jobs.RunReportAsync(PeriodKind.Month, Ct);
        await h.Jobs.RunReportAsync(PeriodKind.Month, Ct);
        Assert.Single(Directory.GetFiles(h.Mailbox, "*.eml"));
    }

    [Fact]
    public async Task Report_WithoutRollups_FillsTheMissingDays_AndEqualsAFullRecompute()
    {
        await using var h = new MetricsHarness(M(2, 12, month: 4));
        await SeedMarchAsync(h);
        var period = ReportPeriod.Month(Year, 3);

        var incremental = await h.Service_.BuildReportAsync(period, cancellationToken: Ct);
        var (from, to) = MetricsReportBuilder.FactsWindow(period, h.Service_.Zone, h.Clock.GetUtcNow());
        var full = MetricsReportBuilder.Build(period, await h.Service_.RecomputeFactsAsync(from, to, Ct), h.Policy, 2024, incremental.GeneratedAt);

        // The facts' part (what rollups hold); the after-release parts (satisfaction, objectives) come from their own tables.
        Assert.Equal(JsonSerializer.Serialize(full, MetricsJson.Options),
            JsonSerializer.Serialize(incremental with { SatisfactionByReleaseType = [], Objectives = null }, MetricsJson.Options));
        Assert.NotEmpty(await h.Daily.ListAsync(new DateOnly(Year, 3, 1), new DateOnly(Year, 4, 1), cancellationToken: Ct));
    }

    [Fact]
    public async Task ApiReport_HtmlAndJson_FromTheSameHandler()
    {
        await using var h = new MetricsHarness(M(2, 12, month: 4));
        await SeedMarchAsync(h);
        var handlers = new MetricsHandlers(h.Service_);

        var html = await Http.InvokeAsync(c => handlers.GetReportAsync($"{Year}-03", c.Request, Ct), accept: "text/html");
        var json = await Http.InvokeAsync(c => handlers.GetReportAsync($"{Year}-Q1", c.Request, Ct));
        var bad = await Http.InvokeAsync(c => handlers.GetReportAsync("2026-13", c.Request, Ct));
        var metrics = await Http.InvokeAsync(c => handlers.GetMetricsAsync(c.Request, Ct), query: $"?from={Year}-03-01&to={Year}-03-31&system=billing");
        var invalid = await Http.InvokeAsync(c => handlers.GetMetricsAsync(c.Request, Ct), query: "?from=2026-03-31&to=2026-03-01&system=Payroll&doraYear=2019");

        Assert.Equal(200, html.Status);
        Assert.StartsWith("text/html", html.ContentType);
        Assert.Contains("<svg", html.Body);
        Assert.DoesNotContain("<script", html.Body);
        Assert.Contains("66.67 %", html.Body);
        Assert.Equal(200, json.Status);
        var q1 = JsonNode.Parse(json.Body)!;
        Assert.Equal($"{Year}-Q1", (string?)q1["period"]);
        Assert.Equal(3, (int?)q1["overall"]!["deployments"]);
        Assert.Equal(5, q1["trend"]!.AsArray().Count);
        Assert.Equal(400, bad.Status);
        Assert.StartsWith("application/problem+json", bad.ContentType);
        Assert.Equal(200, metrics.Status);
        var billing = JsonNode.Parse(metrics.Body)!;
        Assert.Equal(1, (int?)billing["overall"]!["deployments"]);
        Assert.Equal(1, (int?)billing["overall"]!["rollbackFrequency"]!["rollbacks"]);
        Assert.Equal(400, invalid.Status);
        var errors = JsonNode.Parse(invalid.Body)!["errors"]!.AsObject();
        Assert.Equal(["doraYear", "system", "to"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    private async Task<MetricSet> OverallAsync(MetricsHandlers handlers, string query)
    {
        var answer = await Http.InvokeAsync(c => handlers.GetMetricsAsync(c.Request, Ct), query: query);
        Assert.Equal(200, answer.Status);
        return JsonNode.Parse(answer.Body)!["overall"].Deserialize<MetricSet>(MetricsJson.Options)!;
    }

    private Task<IReadOnlyList<StaleDay>> StaleAsync(MetricsHarness h) =>
        h.Daily.ListStaleAsync(new DateOnly(Year, 1, 1), new DateOnly(Year + 1, 1, 1), Ct);

    [Fact]
    public async Task Metrics_LateEventsDeliveredThroughTheWebhookAfterTheMonthWasRead_AreCountedOnTheNextRead()
    {
        await using var h = new MetricsHarness(M(2, 12, month: 4));
        await SeedMarchAsync(h);
        await using var webhooks = await WebhookPath.StartAsync(h);
        var handlers = new MetricsHandlers(h.Service_);
        var march = $"?from={Year}-03-01&to={Year}-03-31";
        var before = await OverallAsync(handlers, march);
        Assert.Equal(3, before.Deployments);
        Assert.Single(await h.Daily.ListAsync(new DateOnly(Year, 3, 15), new DateOnly(Year, 3, 16), cancellationToken: Ct)); // rolled up, empty

        // A pipeline retrying after an outage: release C (Minor, Billing) merged on the 14th, deployed on the 15th.
        var c = MetricsHarness.NewId("c");
        await h.ReleaseAsync(c, ReleaseType.Minor, "Billing", M(13));
        await webhooks.DeliverAsync(CanonicalEventType.ChangeMerged, M(14), c, "Billing", environment: null);
        await webhooks.DeliverAsync(CanonicalEventType.ServiceDeployed, M(15), c, "Billing");
        Assert.Equal([new DateOnly(Year, 3, 15)], (await StaleAsync(h)).Select(s => s.Date));

        var after = await OverallAsync(handlers, march);

        Assert.Equal(4, after.Deployments);
        Assert.Equal(new RateValue(75m, 3, 4), after.DeploymentSuccessRate);
        Assert.Equal(new RateValue(50m, 2, 4), after.Dora.ChangeFailureRate); // B's failed attempt and A, of 4
        Assert.Equal((3, 30.0), (after.ChangeLeadTimeFromMerge.Count, after.ChangeLeadTimeFromMerge.MedianHours)); // 24 h, 30 h, 60 h
        Assert.Equal(0.0968, after.Dora.DeploymentsPerDay); // 3 successful / 31
        Assert.Empty(await StaleAsync(h));
        var day = Assert.Single(await h.Daily.ListAsync(new DateOnly(Year, 3, 15), new DateOnly(Year, 3, 16), DailyRollup.Overall, Ct), r => r.System == DailyRollup.Overall);
        Assert.Equal(1, day.Counts.Deployments);
        Assert.Contains("late ServiceDeployed event cdevents:", day.Revision!.Reason);
    }

    [Fact]
    public async Task DailyRollup_LateRollbackThroughTheWebhook_TurnsTheEarlierDeploymentIntoAFailure()
    {
        await using var h = new MetricsHarness(M(1, 6, month: 4), catchUpDays: 30);
        var (_, b) = await SeedMarchAsync(h);
        await using var webhooks = await WebhookPath.StartAsync(h);
        var handlers = new MetricsHandlers(h.Service_);
        var march = $"?from={Year}-03-01&to={Year}-03-31";
        Assert.Equal(182, await h.Jobs.RunDailyRollupAsync(Ct)); // the metrics page's window, October to March
        var before = await OverallAsync(handlers, march);
        Assert.Equal(new RateValue(66.67m, 2, 3), before.Dora.ChangeFailureRate);
        Assert.Equal(new RollbackValue(0.5m, 1, 2), before.RollbackFrequency);

        // A poison-queue replay the next morning, before the 06:00 rollup: B rolled back on the 11th.
        h.Clock.SetUtcNow(M(2, 5, month: 4));
        var rollback = await webhooks.DeliverAsync(CanonicalEventType.ServiceRolledBack, M(11), b, "Forecasting");
        Assert.Equal([new DateOnly(Year, 3, 10), new DateOnly(Year, 3, 11)], (await StaleAsync(h)).Select(s => s.Date).Order());

        Assert.Equal(3, await h.Jobs.RunDailyRollupAsync(Ct)); // the two stale days and yesterday
        Assert.Empty(await StaleAsync(h));
        var after = await OverallAsync(handlers, march);

        Assert.Equal(new RateValue(100m, 3, 3), after.Dora.ChangeFailureRate); // B's good deployment at 06:00 on the 10th now failed too
        Assert.Equal(new RollbackValue(1m, 2, 2), after.RollbackFrequency);
        var rows = await h.Daily.ListAsync(new DateOnly(Year, 3, 10), new DateOnly(Year, 3, 12), DailyRollup.Overall, Ct);
        Assert.Null(rows.Single(r => r.Date.Day == 10).Revision); // its facts did not change: the calculators join them to the rollback
        Assert.Equal($"late ServiceRolledBack event {rollback} of {Year}-03-11 stored {Year}-04-02 05:00 UTC", rows.Single(r => r.Date.Day == 11).Revision!.Reason);
    }

    [Fact]
    public async Task StoredReport_LateEventForItsMonth_IsRebuiltOnTheNextRequestAndSaysItWasRevised_NotEmailedAgain()
    {
        await using var h = new MetricsHarness(M(1, 6, month: 4), catchUpDays: 30);
        await SeedMarchAsync(h);
        await using var webhooks = await WebhookPath.StartAsync(h);
        var handlers = new MetricsHandlers(h.Service_);
        await h.Jobs.RunDailyRollupAsync(Ct);
        h.Clock.SetUtcNow(M(1, 7, month: 4));
        await h.Jobs.RunReportAsync(PeriodKind.Month, Ct);
        var first = JsonNode.Parse((await Http.InvokeAsync(c => handlers.GetReportAsync($"{Year}-03", c.Request, Ct))).Body)!;
        Assert.False((bool)first["revised"]!);
        Assert.Equal(3, (int?)first["overall"]!["deployments"]);

        h.Clock.SetUtcNow(M(2, 9, month: 4));
        var c = MetricsHarness.NewId("c");
        await h.ReleaseAsync(c, ReleaseType.Minor, "Billing", M(13));
        var late = await webhooks.DeliverAsync(CanonicalEventType.ServiceDeployed, M(15), c, "Billing");

        var json = JsonNode.Parse((await Http.InvokeAsync(c => handlers.GetReportAsync($"{Year}-03", c.Request, Ct))).Body)!;
        Assert.True((bool)json["revised"]!);
        Assert.Equal(M(2, 9, month: 4), json["revisedAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal([$"{Year}-03-15: late ServiceDeployed event {late} of {Year}-03-15 stored {Year}-04-02 09:00 UTC"], json["revisedBecause"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(4, (int?)json["overall"]!["deployments"]);
        Assert.Equal(75m, (decimal?)json["overall"]!["deploymentSuccessRate"]!["percent"]);

        var html = await Http.InvokeAsync(c => handlers.GetReportAsync($"{Year}-03", c.Request, Ct), accept: "text/html");
        Assert.Contains($"Revised {Year}-04-02 09:00 UTC: late events changed days it was built from", html.Body);
        Assert.Contains(late, html.Body);
        var stored = await h.Reports.GetAsync(ReportPeriod.Month(Year, 3), Ct);
        Assert.True(stored!.Report.Revised);
        Assert.Equal(M(1, 7, month: 4), stored.EmailedAt); // kept: the revised report is not emailed again
        Assert.Single(Directory.GetFiles(h.Mailbox, "*.eml"));

        h.Clock.Advance(TimeSpan.FromHours(1)); // nothing new since: served as stored
        var again = JsonNode.Parse((await Http.InvokeAsync(c => handlers.GetReportAsync($"{Year}-03", c.Request, Ct))).Body)!;
        Assert.Equal(M(2, 9, month: 4), again["generatedAt"]!.GetValue<DateTimeOffset>());
        Assert.True((bool)again["revised"]!);
    }

    [Fact]
    public async Task PostReleaseMonitor_ReleasesInTheirWatch_OneQueryAndEveryReadingStoredAndRaisedToItsRelease()
    {
        await using var server = await FakeLogAnalytics.StartAsync();
        var now = M(15, 12);
        var options = new MonitoringOptions { WorkspaceId = FakeLogAnalytics.Workspace };
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now);
        var monitor = new LogAnalyticsHealthMonitor(server.Client(), Options.Create(options), clock, NullLogger<LogAnalyticsHealthMonitor>.Instance);
        await using var h = new MetricsHarness(now, monitor: monitor);
        var watched = MetricsHarness.NewId("w");
        var healthy = MetricsHarness.NewId("h");
        await h.ReleaseAsync(watched, ReleaseType.Patch, "Billing", M(1), ReleasePhase.PostRelease, ReleaseStatus.Active);
        await h.ReleaseAsync(healthy, ReleaseType.Patch, "Forecasting", M(1), ReleasePhase.PostRelease, ReleaseStatus.Active);
        // In phase PostRelease but past its watch (a hotfix awaiting its review): not read.
        var reviewing = MetricsHarness.NewId("r");
        await h.ReleaseAsync(reviewing, ReleaseType.Hotfix, "Billing", M(1), ReleasePhase.PostRelease, ReleaseStatus.Active);
        await h.Releases.ApplyAsync(ReleaseFunctions.TestSupport.StatusWrites.Change(reviewing, ReleasePhase.PostRelease, ReleaseStatus.Active, "Review due.", M(15, 9), ReleaseStages.EmergencyReview), Ct);
        await h.EventAsync(CanonicalEventType.ServiceDeployed, M(15, 8), watched, "Billing");
        await h.EventAsync(CanonicalEventType.ServiceDeployed, M(15, 10), healthy, "Forecasting");
        server.Then((c, _) => FakeLogAnalytics.Json(c, 200, FakeLogAnalytics.Tables("PrimaryResult",
            [("ReleaseId", "string"), ("System", "string"), ("Metric", "string"), ("Window", "string"), ("Value", "real")],
            [watched, "Billing", "errorRate", "release", 3.5],
            [watched, "Billing", "errorRate", "baseline", 0.2],
            [watched, "Billing", "p95DurationMs", "release", 1500.0],
            [healthy, "Forecasting", "errorRate", "release", 0.1])));

        await using var durable = await ReleaseFunctions.TestSupport.InProcessEngine.StartAsync(
            r => r.AddOrchestratorFunc<string, Ports.HealthReading>("Watch", (context, _) => context.WaitForExternalEvent<Ports.HealthReading>(ReleaseEventNames.Health)), Ct);
        foreach (var id in new[] { watched, healthy })
        {
            await durable.Client.ScheduleNewOrchestrationInstanceAsync("Watch", "x", new StartOrchestrationOptions(InstanceId: id), Ct);
            await durable.Client.WaitForInstanceStartAsync(id, Ct);
        }

        var run = await h.Jobs.RunPostReleaseMonitorAsync(durable.Client, Ct);

        Assert.Equal([watched], run.Breached);
        Assert.Contains(watched, run.Raised); // every reading is raised, breach or not
        Assert.Contains(healthy, run.Raised);
        Assert.DoesNotContain(reviewing, run.Raised);
        var query = Assert.Single(server.Received); // one batched query for every release in its watch
        Assert.Contains(watched, query.Query);
        Assert.Contains(healthy, query.Query);
        Assert.DoesNotContain(reviewing, query.Query);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        wait.CancelAfter(TimeSpan.FromSeconds(30));
        var done = await durable.Client.WaitForInstanceCompletionAsync(watched, getInputsAndOutputs: true, wait.Token);
        var raised = done.ReadOutputAs<Ports.HealthReading>()!;
        Assert.Equal(watched, raised.ReleaseId);
        Assert.Equal(3.5m, raised.Systems[0].ErrorRatePercent);
        // A healthy reading is raised too: the release, not the timer, judges it (with the policy it started with).
        var healthyDone = await durable.Client.WaitForInstanceCompletionAsync(healthy, getInputsAndOutputs: true, wait.Token);
        var healthyReading = healthyDone.ReadOutputAs<Ports.HealthReading>()!;
        Assert.Equal(healthy, healthyReading.ReleaseId);
        Assert.Equal(0.1m, healthyReading.Systems[0].ErrorRatePercent);

        var stored = Assert.Single(await h.Health.ListAsync(watched, Ct));
        Assert.Equal(now, stored.At);
        Assert.Equal(["error rate 3.5 % above 1.0 %", "p95 duration 1500 ms above 1000 ms"], stored.Breaches);
        Assert.Equal(0.2m, stored.Health.BaselineErrorRatePercent);
        Assert.Empty(Assert.Single(await h.Health.ListAsync(healthy, Ct)).Breaches);
        // The window is the time since deployment (4 h), the baseline as long just before it.
        Assert.Contains($"datetime({Year}-03-15T08:00:00.0000000Z)", query.Query);
        Assert.Contains($"datetime({Year}-03-15T04:00:00.0000000Z)", query.Query);
    }

    [Fact]
    public async Task PostReleaseMonitor_AReleaseWhosePolicyCannotBeRead_IsLeftOutAndNamedWhileTheOthersAreRead()
    {
        await using var server = await FakeLogAnalytics.StartAsync();
        var now = M(15, 12);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now);
        var monitor = new LogAnalyticsHealthMonitor(server.Client(), Options.Create(new MonitoringOptions { WorkspaceId = FakeLogAnalytics.Workspace }), clock,
            NullLogger<LogAnalyticsHealthMonitor>.Instance);
        await using var h = new MetricsHarness(now, monitor: monitor);
        var readable = MetricsHarness.NewId("ok");
        var lost = MetricsHarness.NewId("lost");
        await h.ReleaseAsync(readable, ReleaseType.Patch, "Billing", M(1), ReleasePhase.PostRelease, ReleaseStatus.Active);
        // Runs under a policy whose snapshot is not kept (deleted, or written by another deployment's store).
        await h.ReleaseAsync(lost, ReleaseType.Patch, "Billing", M(1), ReleasePhase.PostRelease, ReleaseStatus.Active, policyHash: new string('a', 64));
        await h.EventAsync(CanonicalEventType.ServiceDeployed, M(15, 8), readable, "Billing");
        await h.EventAsync(CanonicalEventType.ServiceDeployed, M(15, 8), lost, "Billing");
        server.Then((c, _) => FakeLogAnalytics.Json(c, 200, FakeLogAnalytics.Tables("PrimaryResult",
            [("ReleaseId", "string"), ("System", "string"), ("Metric", "string"), ("Window", "string"), ("Value", "real")],
            [readable, "Billing", "errorRate", "release", 0.1])));

        await using var durable = await ReleaseFunctions.TestSupport.InProcessEngine.StartAsync(_ => { }, Ct);
        var run = await h.Jobs.RunPostReleaseMonitorAsync(durable.Client, Ct);

        Assert.Contains(lost, run.Unreadable);
        Assert.DoesNotContain(readable, run.Unreadable);
        var query = Assert.Single(server.Received);
        Assert.Contains(readable, query.Query);
        Assert.DoesNotContain(lost, query.Query);
        Assert.Single(await h.Health.ListAsync(readable, Ct));
        Assert.Empty(await h.Health.ListAsync(lost, Ct));
    }

    [Fact]
    public async Task PostReleaseMonitor_ReadingWithoutData_IsStoredAsMissingDataNeverHealthy()
    {
        await using var server = await FakeLogAnalytics.StartAsync();
        var now = M(15, 12);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now);
        var monitor = new LogAnalyticsHealthMonitor(server.Client(), Options.Create(new MonitoringOptions { WorkspaceId = FakeLogAnalytics.Workspace }), clock,
            NullLogger<LogAnalyticsHealthMonitor>.Instance);
        await using var h = new MetricsHarness(now, monitor: monitor);
        var measured = MetricsHarness.NewId("m");
        var silent = MetricsHarness.NewId("s");
        await h.ReleaseAsync(measured, ReleaseType.Patch, "Billing", M(1), ReleasePhase.PostRelease, ReleaseStatus.Active);
        await h.ReleaseAsync(silent, ReleaseType.Patch, "Forecasting", M(1), ReleasePhase.PostRelease, ReleaseStatus.Active);
        await h.EventAsync(CanonicalEventType.ServiceDeployed, M(15, 8), measured, "Billing");
        await h.EventAsync(CanonicalEventType.ServiceDeployed, M(15, 8), silent, "Forecasting");
        // The monitoring service answers for Billing only: Forecasting had no requests in the window.
        server.Then((c, _) => FakeLogAnalytics.Json(c, 200, FakeLogAnalytics.Tables("PrimaryResult",
            [("ReleaseId", "string"), ("System", "string"), ("Metric", "string"), ("Window", "string"), ("Value", "real")],
            [measured, "Billing", "errorRate", "release", 0.1],
            [measured, "Billing", "p95DurationMs", "release", 200.0],
            [measured, "Billing", "availability", "release", 99.95])));

        await using var durable = await ReleaseFunctions.TestSupport.InProcessEngine.StartAsync(
            _ => { }, Ct);
        var run = await h.Jobs.RunPostReleaseMonitorAsync(durable.Client, Ct);

        Assert.DoesNotContain(measured, run.Breached); // other tests' releases may be in the watch list too: only these two are asserted
        Assert.DoesNotContain(silent, run.Breached);
        var good = Assert.Single(await h.Health.ListAsync(measured, Ct));
        Assert.Equal(HealthVerdict.Healthy, good.Verdict);
        var missing = Assert.Single(await h.Health.ListAsync(silent, Ct));
        Assert.Equal(("Forecasting", HealthVerdict.MissingData), (missing.Health.System, missing.Verdict));
        Assert.Empty(missing.Breaches);
        Assert.Null(missing.Health.ErrorRatePercent);
    }
}
