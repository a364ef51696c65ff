// Report benchmark against Azurite. Usage: dotnet bench/Reports/bin/Release/net10.0/Reports.dll [events=1000] [runs=3]
// Needs AZURITE_CONNECTION_STRING. Seeds N and 2N events over a quarter, then measures, per size: a raw scan of the N
// event entities, the quarterly report by full recompute from the events, the daily rollups, and the same report from
// the rollups (incremental); with the bytes each allocates.
using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Azure.Metrics;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Events;
using ReleaseManagement.Metrics;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

var connectionString = Environment.GetEnvironmentVariable("AZURITE_CONNECTION_STRING")
    ?? throw new InvalidOperationException("Set AZURITE_CONNECTION_STRING (source scripts/lib/azurite.sh; azurite_start DIR).");
var n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var service = new TableServiceClient(connectionString);
var policy = ReleasePolicyDefaults.Create() with { TimeZone = "UTC" };
Console.WriteLine($"N={n} runs={runs} runtime={Environment.Version} cores={Environment.ProcessorCount}");

var results = new Dictionary<int, Figures>();
foreach (var size in new[] { n, 2 * n })
{
    // A year of its own per size so the shared approval tables hold nothing of it.
    var year = 3000 + Random.Shared.Next(0, 5000);
    var suffix = Guid.NewGuid().ToString("N")[..8];
    var eventsTable = service.GetTableClient("BenchEvents" + suffix);
    var dailyTable = service.GetTableClient("BenchDaily" + suffix);
    var reportsTable = service.GetTableClient("BenchReports" + suffix);
    var store = new TablePipelineEventStore(eventsTable);
    var releases = new TableReleaseStore(service);
    await SeedAsync(store, releases, size, year);

    var clock = new FixedClock(new DateTimeOffset(year, 4, 20, 0, 0, 0, TimeSpan.Zero));
    MetricsService NewService() => new(store, releases, new TableApprovalHistory(service), new TableMetricsDailyStore(dailyTable),
        new TableMetricsReportStore(reportsTable), policy, Options.Create(new MetricsOptions()), clock, NullLogger<MetricsService>.Instance, new TableFeedbackStore(service), new TableObjectiveStore(service));
    var quarter = ReportPeriod.Quarter(year, 1);
    var zone = TimeZoneInfo.Utc;
    var (from, to) = MetricsReportBuilder.FactsWindow(quarter, zone, clock.GetUtcNow());

    var f = new Figures();
    for (var run = 0; run < runs; run++)
    {
        // Raw scan: every event entity of the quarter's partitions, read and counted.
        var (rawMs, rawBytes, count) = await MeasureAsync(async () =>
        {
            var c = 0;
            foreach (var month in new[] { 1, 2, 3 })
            {
                await foreach (var _ in eventsTable.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {$"{year}-{month:D2}"}")))
                {
                    c++;
                }
            }

            return c;
        });
        if (count != size)
        {
            throw new InvalidOperationException($"The raw scan found {count} events, expected {size}.");
        }

        // Full recompute: facts from the events of the whole window, then the report.
        var (fullMs, fullBytes, full) = await MeasureAsync(async () =>
            MetricsReportBuilder.Build(quarter, await NewService().RecomputeFactsAsync(from, to), policy, 2024, clock.GetUtcNow()));

        // Rollups of every day the report reads (what the daily timer will have done, once a day each): timed per day.
        await dailyTable.DeleteAsync();
        var days = new ReportPeriod(PeriodKind.Day, PolicyTime.LocalDate(zone, from), PolicyTime.LocalDate(zone, to).AddDays(1)).Dates().ToList();
        var (rollupMs, _, _) = await MeasureAsync(async () =>
        {
            var s = NewService();
            foreach (var day in days)
            {
                await s.RollupDayAsync(day);
            }

            return 0;
        });
        rollupMs /= days.Count;

        // Incremental: the same report from the rollups.
        var (incMs, incBytes, incremental) = await MeasureAsync(() => NewService().BuildReportAsync(quarter, doraYear: 2024));
        if (incremental.Overall.Deployments != full.Overall.Deployments || incremental.Overall.Dora.ChangeFailureRate != full.Overall.Dora.ChangeFailureRate)
        {
            throw new InvalidOperationException("The incremental report differs from the full recompute.");
        }

        f.Add(rawMs, fullMs, rollupMs, incMs, rawBytes, fullBytes, incBytes, full.Overall.Deployments);
    }

    results[size] = f;
    Console.WriteLine($"N={size}: raw scan {f.Raw:0} ms; full recompute {f.Full:0} ms ({f.Full / f.Raw:0.0}x raw); rollup {f.Rollup:0.0} ms per day; " +
        $"incremental {f.Incremental:0} ms ({f.Incremental / f.Full:0.00}x full); allocated raw {Mb(f.RawBytes)}, full {Mb(f.FullBytes)}, incremental {Mb(f.IncBytes)}; deployments {f.Deployments}");
    await eventsTable.DeleteAsync();
    await dailyTable.DeleteAsync();
    await reportsTable.DeleteAsync();
}

var a = results[n];
var b = results[2 * n];
Console.WriteLine($"2N/N: raw scan time {b.Raw / a.Raw:0.00}, full time {b.Full / a.Full:0.00}, incremental time {b.Incremental / a.Incremental:0.00}; " +
    $"allocated full {(double)b.FullBytes / a.FullBytes:0.00}, incremental {(double)b.IncBytes / a.IncBytes:0.00}, raw {(double)b.RawBytes / a.RawBytes:0.00}");

static string Mb(long bytes) => $"{bytes / 1048576.0:0.0} MB";

static async Task<(double Ms, long Bytes, T Value)> MeasureAsync<T>(Func<Task<T>> work)
{
    GC.Collect();
    var before = GC.GetTotalAllocatedBytes(precise: true);
    var clock = Stopwatch.StartNew();
    var value = await work();
    var ms = clock.Elapsed.TotalMilliseconds;
    return (ms, GC.GetTotalAllocatedBytes(precise: true) - before, value);
}

// N events over the first quarter: releases of 10 events each (request, merge, tests, a failed and a good deployment,
// sometimes an incident with its resolution or a rollback), spread evenly over the 90 days.
static async Task SeedAsync(TablePipelineEventStore store, TableReleaseStore releases, int n, int year)
{
    var start = new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero);
    var releaseCount = Math.Max(1, n / 10);
    var systems = new[] { "Billing", "Forecasting", "Integration", "Customer Sites" };
    var types = new[] { ReleaseType.Minor, ReleaseType.Patch, ReleaseType.Patch, ReleaseType.Hotfix };
    var work = new List<Func<Task>>();
    var made = 0;
    for (var r = 0; r < releaseCount && made < n; r++)
    {
        var id = $"bench-{year}-{r:D6}";
        var system = systems[r % systems.Length];
        var at = start.AddMinutes(r * (89.0 * 24 * 60 / releaseCount));
        var request = new ReleaseRequest(id, id, types[r % types.Length], [system], DateOnly.FromDateTime(at.UtcDateTime.AddDays(10)));
        await releases.TryCreateAsync(new ReleaseRecord(request, at.AddDays(-5), ReleasePhase.Closed, ReleaseStatus.Completed, null, at));
        var plan = new List<(CanonicalEventType, string?, string?, int, Dictionary<string, string>)>
        {
            (CanonicalEventType.ChangeMerged, null, null, 0, []),
            (CanonicalEventType.TestSuiteRunFinished, "integration", EventOutcomes.Success, 30, new() { ["coverage"] = "84", ["failed"] = "0" }),
            (CanonicalEventType.TestSuiteRunFinished, "staging", EventOutcomes.Failure, 60, new() { ["failed"] = "2" }),
            (CanonicalEventType.TestSuiteRunFinished, "staging", EventOutcomes.Success, 90, new() { ["failed"] = "0" }),
            (CanonicalEventType.ServiceDeployed, "staging", EventOutcomes.Success, 120, []),
            (CanonicalEventType.ServiceDeployed, "production", EventOutcomes.Failure, 180, []),
            (CanonicalEventType.ServiceDeployed, "production", EventOutcomes.Success, 240, []),
            (CanonicalEventType.PipelineRunFinished, "production", EventOutcomes.Success, 245, []),
            r % 3 == 0 ? (CanonicalEventType.IncidentDetected, "production", null, 300, new() { ["incident"] = $"INC-{id}" }) : (CanonicalEventType.MilestoneReached, null, null, 300, new() { ["milestone"] = "release-candidate" }),
            r % 3 == 0 ? (r % 2 == 0 ? (CanonicalEventType.ServiceRolledBack, "production", EventOutcomes.Success, 330, []) : (CanonicalEventType.IncidentResolved, "production", null, 330, new() { ["incident"] = $"INC-{id}" })) : (CanonicalEventType.GateEvidence, null, EventOutcomes.Success, 330, new() { ["item"] = "backup" }),
        };
        foreach (var (type, env, outcome, minutes, attributes) in plan)
        {
            if (made++ >= n)
            {
                break;
            }

            var evt = new CanonicalEvent($"bench:{id}:{minutes}", "api", type, at.AddMinutes(minutes), id, system, env, outcome, attributes);
            work.Add(async () =>
            {
                await store.AddAsync(evt, evt.OccurredAt);
                await store.MarkProcessedAsync(evt, EventDelivery.NotRunning, evt.OccurredAt);
            });
        }
    }

    await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (w, _) => await w());
}

internal sealed class Figures
{
    private readonly List<(double Raw, double Full, double Rollup, double Inc, long RawBytes, long FullBytes, long IncBytes)> _runs = [];

    public int Deployments { get; private set; }

    public void Add(double raw, double full, double rollup, double inc, long rawBytes, long fullBytes, long incBytes, int deployments)
    {
        _runs.Add((raw, full, rollup, inc, rawBytes, fullBytes, incBytes));
        Deployments = deployments;
    }

    // Medians of the runs.
    private double M(Func<(double Raw, double Full, double Rollup, double Inc, long RawBytes, long FullBytes, long IncBytes), double> f) =>
        Statistics.Median(_runs.Select(f))!.Value;

    public double Raw => M(r => r.Raw);

    public double Full => M(r => r.Full);

    public double Rollup => M(r => r.Rollup);

    public double Incremental => M(r => r.Inc);

    public long RawBytes => (long)M(r => r.RawBytes);

    public long FullBytes => (long)M(r => r.FullBytes);

    public long IncBytes => (long)M(r => r.IncBytes);
}

internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
