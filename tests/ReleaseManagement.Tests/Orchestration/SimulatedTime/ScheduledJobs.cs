using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ReleaseManagement.Metrics;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Tests.Orchestration.SimulatedTime;

/// <summary>
/// The hosts' scheduled metrics jobs on the simulated calendar: the daily rollup at 06:00 (<see cref="MetricsSchedules.DailyRollup"/>),
/// the monthly report at 07:00 on the 1st and the quarterly one at 07:30 on the first day of a quarter, run by the real
/// <see cref="MetricsService"/> on a <see cref="FakeTimeProvider"/> set to each run's scheduled time (the calendar does not
/// stop for them: a run whose time it jumped over runs then, reading the time it was scheduled for), over in-memory stores
/// that count the rows they return (<see cref="RowsRead"/>): the events the world raised, the harness's releases, the rollups
/// and the reports. Each run's rows are kept, so the test can hold them flat over the days.
/// </summary>
internal sealed class ScheduledJobs
{
    private readonly FakeTimeProvider _time;
    private readonly RowsRead _read = new();
    private readonly LifecycleHarness _harness;

    public ScheduledJobs(LifecycleHarness harness, ReleasePolicy policy)
    {
        _harness = harness;
        _time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var nothing = new NothingStored();
        Daily = new InMemoryDailyStore(_read);
        Reports = new InMemoryReportStore(_read);
        Metrics = new MetricsService(new RaisedEventStore(harness, _read), new CountedReleaseStore(harness.Store, _read), nothing, Daily, Reports, policy,
            Microsoft.Extensions.Options.Options.Create(new MetricsOptions()), _time, NullLogger<MetricsService>.Instance, nothing, nothing);
    }

    public MetricsService Metrics { get; }

    public InMemoryDailyStore Daily { get; }

    public InMemoryReportStore Reports { get; }

    /// <summary>One run: the job, its scheduled (simulated) time, what it did (days rolled up, or the report's period) and the rows it read.</summary>
    public sealed record Run(string Job, DateTimeOffset At, string Did, IReadOnlyDictionary<string, int> Rows, int EventsBefore, int PageDays)
    {
        public int Of(string kind) => Rows.GetValueOrDefault(kind);
    }

    public List<Run> Runs { get; } = [];

    /// <summary>Puts every run of days 1 to <paramref name="days"/> on the world's agenda.</summary>
    public void Schedule(SimulatedWorld world, int days)
    {
        var epoch = world.Harness.Clock!.SimulatedEpoch;
        for (var day = 1; day <= days; day++)
        {
            var date = epoch.AddDays(day);
            world.At(date.AddHours(6), "daily rollup", () => RunAsync("daily", date.AddHours(6), async () => $"{await Metrics.RunDailyRollupAsync()} day(s)"), stops: false);
            if (date.Day == 1)
            {
                world.At(date.AddHours(7), "monthly report", () => RunAsync("monthly", date.AddHours(7),
                    async () => (await Metrics.GenerateAsync(Metrics.LastCompletePeriod(PeriodKind.Month))).Period), stops: false);
                if (date.Month % 3 == 1)
                {
                    world.At(date.AddHours(7.5), "quarterly report", () => RunAsync("quarterly", date.AddHours(7.5),
                        async () => (await Metrics.GenerateAsync(Metrics.LastCompletePeriod(PeriodKind.Quarter))).Period), stops: false);
                }
            }
        }
    }

    private async Task RunAsync(string job, DateTimeOffset at, Func<Task<string>> run)
    {
        _time.SetUtcNow(at);
        var eventsBefore = _harness.Raised.Count;
        _read.Clear();
        var did = await run();
        var (from, to) = Metrics.PageDays(at);
        Runs.Add(new Run(job, at, did, _read.Snapshot(), eventsBefore, to.DayNumber - from.DayNumber));
    }

    /// <summary>
    /// The timers' work per run did not grow with the days and the releases behind them: after the first rollup (which
    /// fills the page's window) each rollup rolls up one day; the rows it reads, by kind, are on average no more over the
    /// last thirty days than 1.2 times what they were over days 11 to 40 (reading history would double them: twice as many
    /// releases lie behind); the rollups it reads are bounded by the page's window (two rows a day: Billing and overall);
    /// a report reads the rollups of its window and no event of the days before its own.
    /// </summary>
    public void AssertFlat(LifecycleHarness h)
    {
        var daily = Runs.Where(r => r.Job == "daily").ToList();
        Assert.True(daily.Count >= 85, $"only {daily.Count} daily runs");
        Assert.All(daily.Skip(1), r => Assert.Equal("1 day(s)", r.Did));
        var epoch = h.Clock!.SimulatedEpoch;
        double Mean(int fromDay, int toDay, Func<Run, int> rows) =>
            daily.Where(r => r.At >= epoch.AddDays(fromDay) && r.At < epoch.AddDays(toDay + 1)).Average(r => (double)rows(r));
        foreach (var (kind, rows) in new (string, Func<Run, int>)[]
        {
            (RowsRead.Events, r => r.Of(RowsRead.Events)),
            (RowsRead.Releases, r => r.Of(RowsRead.Releases)),
            ("all", r => r.Rows.Values.Sum()),
        })
        {
            var early = Mean(11, 40, rows);
            var late = Mean(60, 89, rows);
            Assert.True(late <= (early * 1.2) + 1, $"{kind} rows per daily rollup grew: {early:F1} over days 11-40, {late:F1} over days 60-89");
        }

        Assert.All(daily.Skip(1), r => Assert.True(r.Of(RowsRead.Daily) <= 2 * (r.PageDays + 10), $"{r.At:u}: {r.Of(RowsRead.Daily)} rollup rows read (window {r.PageDays} days)"));
        var reports = Runs.Where(r => r.Job != "daily").ToList();
        Assert.Equal(["monthly", "monthly", "monthly", "quarterly"], reports.Select(r => r.Job));
        Assert.All(reports, r =>
        {
            Assert.True(r.Of(RowsRead.Daily) <= 2 * (r.PageDays + 100), $"{r.Job} {r.Did}: {r.Of(RowsRead.Daily)} rollup rows read");
            var today = h.Raised.Count(e => e.OccurredAt >= r.At.Date && e.OccurredAt < r.At);
            Assert.True(r.Of(RowsRead.Events) <= today, $"{r.Job} {r.Did}: {r.Of(RowsRead.Events)} event rows read, {today} events that day ({r.EventsBefore} in all)");
        });
    }

    public string Summary()
    {
        var daily = Runs.Where(r => r.Job == "daily").ToList();
        string Per(int from, int to) => string.Join(", ", daily.Skip(from).Take(to - from).GroupBy(_ => 1).Select(g =>
            $"events {g.Average(r => r.Of(RowsRead.Events)):F1}, releases {g.Average(r => r.Of(RowsRead.Releases)):F1}, rollups {g.Average(r => r.Of(RowsRead.Daily)):F1}"));
        return $"daily rollup rows per run: days 11-40 {Per(10, 40)}; days 60-89 {Per(59, 89)}; first run {string.Join(" ", daily[0].Rows)} ({daily[0].Did}); " +
            "reports: " + string.Join("; ", Runs.Where(r => r.Job != "daily").Select(r => $"{r.Job} {r.Did} {string.Join(" ", r.Rows)}"));
    }
}
