using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Api;
using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Azure.Metrics;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Metrics.Tests;

/// <summary>
/// The metrics page (issue "Scale by design", point 3) reads stored rollups only: a cold store computes nothing and says the
/// figures are not computed yet, the daily rollup fills the page's window, and a late event's stale day is recomputed by
/// the next rollup.
/// </summary>
public sealed partial class EndToEndTests
{
    private static DashboardReader Reader(MetricsHarness h) => new(
        h.Releases, h.Events, h.Decisions, h.Health, new ReleasePolicies(new InMemoryPolicySnapshots(), h.Policy), h.Clock, h.Service_,
        NullLogger<DashboardReader>.Instance, new ConfigurationBuilder().Build());

    private static MetricsView View(MetricsHarness h, MetricsPageData data) =>
        MetricsView.Build(data, h.Policy.MetricTargets, new DisplayFormat(PolicyTime.Zone(h.Policy)), h.Clock.GetUtcNow());

    private string Deployments(MetricsView view, int month) =>
        view.Trends.Single(t => t.Title == "Deployments by month").Values.SingleOrDefault(v => v.At == $"{Year}-{month:00}")?.Value ?? "left out";

    [Fact]
    public async Task MetricsPage_ColdStoreWithoutRollups_ComputesNothingAndSaysTheFiguresAreNotComputedYet()
    {
        await using var h = new MetricsHarness(M(15, 12, month: 4));
        await SeedMarchAsync(h);
        var (from, to) = h.Service_.PageDays(h.Clock.GetUtcNow());
        h.Storage.Clear();

        var data = await Reader(h).CurrentReportsAsync(Ct);

        var read = h.Storage.Sent.Count;
        Assert.Equal(0, h.Storage.WritesTo(h.DailyTable));
        Assert.Empty(await h.Daily.ListAsync(from, to, cancellationToken: Ct));
        Assert.Equal(to.DayNumber - from.DayNumber - 1, data.Stored.Missing.Count); // every finished day; today is read live
        var view = View(h, data);
        Assert.All(view.Rows, r => Assert.All(r.Values, v => Assert.Equal(MetricsView.NotComputedValue, v)));
        Assert.All(view.Trends, t => Assert.Empty(t.Values));
        Assert.StartsWith("Not computed yet: ", view.NotComputed, StringComparison.Ordinal);
        Assert.Contains("the daily rollup runs daily at 06:00 UTC", view.NotComputed, StringComparison.Ordinal);
        Assert.Null(view.ComputedAt);

        // What the page did before on the same cold store (and what a report build still does): roll up every missing day.
        h.Storage.Clear();
        await h.Service_.BuildReportAsync(ReportPeriod.Month(Year, 4), cancellationToken: Ct);
        var before = h.Storage.Sent.Count;
        TestContext.Current.TestOutputHelper?.WriteLine($"Cold metrics page: {read} storage requests, 0 writes now; rolling up at read time took {before} requests, {h.Storage.WritesTo(h.DailyTable)} writes to MetricsDaily.");
        Assert.True(h.Storage.WritesTo(h.DailyTable) >= data.Stored.Missing.Count);
        Assert.True(before > 20 * read, $"{before} requests rolling up vs {read} reading");
    }

    [Fact]
    public async Task MetricsPage_AfterOneDailyRollup_ShowsEveryPeriodOfItsWindow()
    {
        await using var h = new MetricsHarness(M(15, 12, month: 4));
        await SeedMarchAsync(h);

        await h.Jobs.RunDailyRollupAsync(Ct);
        h.Storage.Clear();
        var data = await Reader(h).CurrentReportsAsync(Ct);

        Assert.Equal(0, h.Storage.WritesTo(h.DailyTable));
        Assert.Empty(data.Stored.Missing);
        var view = View(h, data);
        Assert.Null(view.NotComputed);
        Assert.Null(view.Stale);
        Assert.NotNull(view.ComputedAt);
        Assert.DoesNotContain(view.Rows, r => r.Values.Contains(MetricsView.NotComputedValue));
        Assert.Equal("3", Deployments(view, 3)); // March: A, B's failed attempt and B's good one
        Assert.Equal(MetricsReportBuilder.TrendLength(PeriodKind.Month) + 1, view.Trends.Single(t => t.Title == "Deployments by month").Values.Count);
    }

    [Fact]
    public async Task MetricsPage_AskExpiringLaterToday_IsNotTimedOutBeforeItsExpiry()
    {
        // Today runs to now: an ask whose link expires at 18:00 is still open at 12:00 (its approver may yet answer).
        await using var h = new MetricsHarness(M(15, 12, month: 4));
        var (expired, open) = (MetricsHarness.NewId("x"), MetricsHarness.NewId("o"));
        await h.ReleaseAsync(expired, ReleaseType.Patch, "Billing", M(10, month: 4), ReleasePhase.Promotion, ReleaseStatus.Active);
        await h.ReleaseAsync(open, ReleaseType.Patch, "Billing", M(10, month: 4), ReleasePhase.Promotion, ReleaseStatus.Active);
        await h.ApprovalAsync(expired, "promotion:production", "rm@example.com", "release-manager", M(13, 6, month: 4), decidedAt: null);
        await h.ApprovalAsync(open, "promotion:production", "rm@example.com", "release-manager", M(13, 18, month: 4), decidedAt: null);

        string[] TimedOut(MetricsPageData data) =>
            [.. data.Stored.Facts.Approvals.Where(a => a.Outcome == ApprovalOutcome.TimedOut).Select(a => a.Segment.ReleaseId!).Order(StringComparer.Ordinal)];

        Assert.Equal([expired], TimedOut(await Reader(h).CurrentReportsAsync(Ct)));

        h.Clock.SetUtcNow(M(15, 19, month: 4));
        Assert.Equal(new[] { expired, open }.Order(StringComparer.Ordinal), TimedOut(await Reader(h).CurrentReportsAsync(Ct)));
    }

    [Fact]
    public async Task MetricsPage_NewInstanceWarmedUpAtStart_ItsFirstViewWaitsOnNoTableCheck()
    {
        await using var h = new MetricsHarness(M(15, 12, month: 4));
        var (a, _) = await SeedMarchAsync(h);
        await h.Jobs.RunDailyRollupAsync(Ct);
        await h.EventAsync(CanonicalEventType.TestSuiteRunFinished, M(15, 9, month: 4), a, "Billing", "staging"); // today's facts read A's row

        // A new instance's stores of what the page reads, over the same tables; its first view's requests, with and without
        // the warm-up its host runs when it starts (StorageWarmUp).
        async Task<IReadOnlyList<(string Method, string Path)>> FirstViewAsync(bool warmedUp)
        {
            var requests = new Requests();
            var options = new TableClientOptions();
            options.AddPolicy(requests, HttpPipelinePosition.PerCall);
            var service = new TableServiceClient(Azurite.ConnectionString, options);
            var (events, releases, approvals) = (new TablePipelineEventStore(service.GetTableClient(h.EventsTable)), new TableReleaseStore(service), new TableApprovalHistory(service));
            var daily = new TableMetricsDailyStore(service.GetTableClient(h.DailyTable));
            if (warmedUp)
            {
                await using var host = new ServiceCollection().AddLogging().AddStorageWarmUp()
                    .AddSingleton<IPipelineEventStore>(events).AddSingleton<IReleaseStore>(releases).AddSingleton<IApprovalHistory>(approvals).AddSingleton<IMetricsDailyStore>(daily)
                    .WarmUpAtStart<IPipelineEventStore>().WarmUpAtStart<IReleaseStore>().WarmUpAtStart<IApprovalHistory>().WarmUpAtStart<IMetricsDailyStore>()
                    .BuildServiceProvider();
                var warmUp = host.GetRequiredService<StorageWarmUp>();
                await ((IHostedService)warmUp).StartAsync(Ct);
                await warmUp.Completion.WaitAsync(Ct);
                requests.Clear();
            }

            var metrics = new MetricsService(events, releases, approvals, daily, h.Reports, h.Policy, Microsoft.Extensions.Options.Options.Create(h.Options), h.Clock,
                NullLogger<MetricsService>.Instance, h.Feedback, h.ObjectiveVerdicts);
            var reader = new DashboardReader(releases, events, h.Decisions, h.Health, new ReleasePolicies(new InMemoryPolicySnapshots(), h.Policy), h.Clock, metrics,
                NullLogger<DashboardReader>.Instance, new ConfigurationBuilder().Build());
            var data = await reader.CurrentReportsAsync(Ct);
            Assert.Equal("3", Deployments(View(h, data), 3));
            return [.. requests.Sent];
        }

        static bool SetUp((string Method, string Path) r) => r.Path.Contains("/Tables?", StringComparison.Ordinal) || r.Path.Contains("'!meta'", StringComparison.Ordinal);
        var cold = await FirstViewAsync(warmedUp: false);
        var warm = await FirstViewAsync(warmedUp: true);

        // Cold: the tables checked and the indexes' backfill marks read before the page's own reads could start.
        Assert.Contains(cold, r => r.Method == "POST" && r.Path.Contains("/Tables?", StringComparison.Ordinal));
        Assert.Contains(cold, r => r.Path.Contains("ReleaseIndex()", StringComparison.Ordinal) && r.Path.Contains("'!meta'", StringComparison.Ordinal));
        Assert.Contains(cold, r => r.Path.Contains("ApprovalsByDay(PartitionKey='!meta'", StringComparison.Ordinal));
        Assert.Contains(warm, r => r.Path.Contains($"Releases(PartitionKey='{a}'", StringComparison.Ordinal));
        Assert.DoesNotContain(warm, SetUp);
        Assert.Equal(cold.Where(r => !SetUp(r)).Order(), warm.Order());
    }

    /// <summary>Each request's method and its path and query, unescaped.</summary>
    private sealed class Requests : HttpPipelineSynchronousPolicy
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(string Method, string Path)> _sent = new();

        public IReadOnlyList<(string Method, string Path)> Sent => [.. _sent];

        public void Clear() => _sent.Clear();

        public override void OnSendingRequest(HttpMessage message) =>
            _sent.Enqueue((message.Request.Method.ToString(), Uri.UnescapeDataString(message.Request.Uri.PathAndQuery)));
    }

    [Fact]
    public async Task MetricsPage_LateEventMarksADayStale_ShownAsLastComputedUntilTheNextRollupRecomputesIt()
    {
        await using var h = new MetricsHarness(M(15, 12, month: 4));
        var (a, _) = await SeedMarchAsync(h);
        await h.Jobs.RunDailyRollupAsync(Ct);

        // A late production deployment of March 12, stored and marked as the event processor does.
        await h.EventAsync(CanonicalEventType.ServiceDeployed, M(12, 9), a, "Billing");
        var late = (await h.Events.ListByReleaseAsync(a, Ct)).Select(s => s.Event).Single(e => e.OccurredAt == M(12, 9));
        var marker = new LateEventMarker(h.Events, h.Daily, h.Policy, h.Clock, NullLogger<LateEventMarker>.Instance);
        Assert.Contains(DateOnly.FromDateTime(M(12).UtcDateTime), await marker.MarkAsync(late, Ct));

        h.Storage.Clear();
        var stale = View(h, await Reader(h).CurrentReportsAsync(Ct));
        Assert.Equal(0, h.Storage.WritesTo(h.DailyTable));
        Assert.Equal("3", Deployments(stale, 3));
        Assert.StartsWith($"Late events changed {Year}-03-12 after it was rolled up", stale.Stale, StringComparison.Ordinal);

        await h.Jobs.RunDailyRollupAsync(Ct);
        var fresh = View(h, await Reader(h).CurrentReportsAsync(Ct));
        Assert.Null(fresh.Stale);
        Assert.Equal("4", Deployments(fresh, 3));
        Assert.Empty(await h.Daily.ListStaleAsync(DateOnly.FromDateTime(M(1).UtcDateTime), DateOnly.FromDateTime(M(15, month: 4).UtcDateTime), Ct));
    }
}
