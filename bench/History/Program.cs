// History benchmark against Azurite. Usage:
//   dotnet bench/History/bin/Release/net10.0/History.dll [samples=30] [events-percent=100] [budget-seconds=60] [years=5]
// Needs AZURITE_CONNECTION_STRING (an Azurite it may empty: it deletes every table, blob container and queue first).
// Seeds the last year of a bank's calendar (Calendar.cs) through the stores the hosts compose (Seeder.cs), rolls up the
// metrics page's days with the daily rollup, seals the daily audit manifest, counts each page's storage operations; seeds the
// four years before it (and seals the manifest again) and counts
// again (during each page's warm-up); then times each page (p95 over `samples` runs after a warm-up, at most `budget-seconds` of
// runs a page and at least 3) side by side with the raw read of the rows it shows (Pages.cs). Prints a table, one "PAGE" line a page and
// "RATIO history-pages-p95-vs-raw <max over pages of p95 page / p95 raw>".
using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using History;
using Calendar = History.Calendar;
using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Metrics;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

var connectionString = Environment.GetEnvironmentVariable("AZURITE_CONNECTION_STRING")
    ?? throw new InvalidOperationException("Set AZURITE_CONNECTION_STRING (source scripts/lib/azurite.sh; azurite_start DIR).");
int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
var samples = Arg(0, 30);
var eventPercent = Arg(1, 100);
var budget = TimeSpan.FromSeconds(Arg(2, 60));
var years = Arg(3, 5);
var started = Stopwatch.GetTimestamp();
var inv = CultureInfo.InvariantCulture;

await ClearAsync();
await using var services = Pages.Compose(connectionString);
var now = DateTimeOffset.UtcNow;
var systems = services.GetRequiredService<ReleasePolicy>().Systems.Keys.Take(4).ToArray();
var calendar = Calendar.Build(systems, now, years, eventPercent);
var lastYear = calendar.Where(r => r.Target >= DateOnly.FromDateTime(now.UtcDateTime).AddYears(-1)).ToArray();
var earlier = calendar.Except(lastYear).ToArray();
Console.WriteLine(string.Create(inv, $"years={years} samples={samples} events={eventPercent}% budget={budget.TotalSeconds}s runtime={Environment.Version} cores={Environment.ProcessorCount}"));
Console.WriteLine(string.Create(inv,
    $"calendar: {calendar.Count} releases on {string.Join(", ", systems)} ({string.Join(", ", calendar.GroupBy(r => r.Type).Select(g => $"{g.Count()} {g.Key}"))}); " +
    $"{string.Join(", ", calendar.GroupBy(r => r.Status).Select(g => $"{g.Count()} {g.Key}"))}; last year {lastYear.Length}"));

// The release page: the last completed major (in both seeds).
var releasePage = lastYear.Last(r => r.Type == ReleaseType.Major && r.Status == ReleaseStatus.Completed).Id;
var seeder = new Seeder(services, now);
var pages = new Pages(connectionString, services, calendar, now);
var cases = pages.All(releasePage);

var seeding = Stopwatch.GetTimestamp();
await seeder.SeedAsync(lastYear);
var seeded1 = Stopwatch.GetElapsedTime(seeding);
seeding = Stopwatch.GetTimestamp();
var rolledUp = await services.GetRequiredService<MetricsService>().RunDailyRollupAsync();
var rollup = Stopwatch.GetElapsedTime(seeding);
Console.WriteLine(string.Create(inv, $"seeded 1 year in {seeded1.TotalSeconds:F0} s ({Describe(seeder.Counts)}); daily rollup of {rolledUp} days in {rollup.TotalSeconds:F0} s"));
await SealManifestAsync();
var ops1 = await CountOpsAsync("1y");

seeding = Stopwatch.GetTimestamp();
await seeder.SeedAsync(earlier);
var seeded5 = Stopwatch.GetElapsedTime(seeding);
await SealManifestAsync();
Console.WriteLine(string.Create(inv, $"seeded the {years - 1} years before in {seeded5.TotalSeconds:F0} s (in all: {Describe(seeder.Counts)})"));
Console.WriteLine(string.Create(inv, $"seeding's time by store, summed over the 16 releases written at once: {string.Join(", ", seeder.Seconds.OrderByDescending(s => s.Value).Select(s => $"{s.Key} {s.Value:F0} s"))}"));

// Side by side: raw read then page, alternately, each sample.
Console.WriteLine();
Console.WriteLine($"{"page",-14} {"n",3} {"p50 page",9} {"p95 page",9} {"p50 raw",8} {"p95 raw",8} {"ratio",6} {"rows",5} {"ops 1y",7} {"ops " + years + "y",7} {"s",4}");
var ratios = new Dictionary<string, double>(StringComparer.Ordinal);
var ops5 = new Dictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.Ordinal);
foreach (var page in cases)
{
    // Warm-up: the page twice (the second run counted), the raw read twice.
    var begun = Stopwatch.GetTimestamp();
    var body = await page.Render();
    ops5[page.Name] = await CountAsync(page);
    var raw = page.RawOf(body);
    var rows = await raw();
    if (rows == 0)
    {
        // A page that shows nothing (or whose rows this benchmark no longer finds in it) would make any ratio meaningless.
        throw new InvalidOperationException($"The raw read of what page {page.Name} shows read no row: its answer was {body[..Math.Min(300, body.Length)]}");
    }

    await raw();
    var (pageTimes, rawTimes) = (new List<double>(), new List<double>());
    var measuring = Stopwatch.GetTimestamp();
    while (pageTimes.Count < samples && (pageTimes.Count < 3 || Stopwatch.GetElapsedTime(measuring) < budget))
    {
        var t = Stopwatch.GetTimestamp();
        await raw();
        rawTimes.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        if (page.Prepare is { } prepare)
        {
            await prepare();
        }

        t = Stopwatch.GetTimestamp();
        await page.Render();
        pageTimes.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
    }

    var ratio = Percentile(pageTimes, 0.95) / Percentile(rawTimes, 0.95);
    ratios[page.Name] = ratio;
    Console.WriteLine(string.Create(inv,
        $"{page.Name,-14} {pageTimes.Count,3} {Percentile(pageTimes, 0.5),9:F1} {Percentile(pageTimes, 0.95),9:F1} {Percentile(rawTimes, 0.5),8:F1} {Percentile(rawTimes, 0.95),8:F1} {ratio,6:F2} {rows,5} {ops1[page.Name].Values.Sum(),7} {ops5[page.Name].Values.Sum(),7} {Stopwatch.GetElapsedTime(begun).TotalSeconds,4:F0}"));
}

Console.WriteLine();
Console.WriteLine($"storage operations per page by kind (1 y | {years} y):");
foreach (var page in cases)
{
    Console.WriteLine($"  {page.Name}: {StorageCalls.Describe(ops1[page.Name])} | {StorageCalls.Describe(ops5[page.Name])}");
}

Console.WriteLine(string.Create(inv, $"total {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s (seed {(seeded1 + rollup + seeded5).TotalSeconds:F0} s)"));
foreach (var page in cases)
{
    Console.WriteLine(string.Create(inv, $"PAGE {page.Name} ratio {ratios[page.Name]:F2} ops-1y {ops1[page.Name].Values.Sum()} ops-{years}y {ops5[page.Name].Values.Sum()}"));
}

Console.WriteLine(string.Create(inv, $"RATIO history-pages-p95-vs-raw {ratios.Values.Max():F2}"));
await ClearAsync();

// Each page once after a warm-up run (the metrics page on a new instance each time, so its count is a cold first view).
async Task<Dictionary<string, IReadOnlyDictionary<string, int>>> CountOpsAsync(string label)
{
    var counted = new Dictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.Ordinal);
    foreach (var page in cases)
    {
        await page.Render();
        counted[page.Name] = await CountAsync(page);
    }

    Console.WriteLine($"ops at {label}: {string.Join(", ", counted.Select(c => $"{c.Key} {c.Value.Values.Sum()}"))}");
    return counted;
}

// A page's storage operations, after its preparation (a new instance's start, for the cold view: not the request's own).
async Task<IReadOnlyDictionary<string, int>> CountAsync(PageCase page)
{
    if (page.Prepare is { } prepare)
    {
        await prepare();
    }

    return await StorageCalls.CountAsync(page.Render);
}

// The daily audit manifest (every trail's head, sealed), as of now.
async Task SealManifestAsync()
{
    var manifest = await seeder.SealManifestAsync();
    Console.WriteLine(string.Create(inv, $"audit manifest sealed: {manifest.Heads.Count} trails, {manifest.Rows} rows"));
}

static string Describe(IReadOnlyDictionary<string, int> counts) => string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Value} {c.Key}"));

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToArray();
    return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

// Every table, blob container and queue deleted, so each run starts from an empty account: in `bench/run.sh scale` the
// in-memory Azurite is the one the lifecycle benchmark filled before (its task hub's queues and large-message blobs), and
// one run's seeding timed out (a checkpoint upload unanswered three times in 5 s) on the Azurite it left that large.
async Task ClearAsync()
{
    var tables = new TableServiceClient(connectionString);
    await foreach (var table in tables.QueryAsync())
    {
        await tables.DeleteTableAsync(table.Name);
    }

    var blobs = new BlobServiceClient(connectionString);
    await foreach (var item in blobs.GetBlobContainersAsync())
    {
        var container = blobs.GetBlobContainerClient(item.Name);
        if (item.Properties.LeaseState == Azure.Storage.Blobs.Models.LeaseState.Leased)
        {
            // The lifecycle's task hub leases its containers; its host has stopped.
            await Azure.Storage.Blobs.Specialized.SpecializedBlobExtensions.GetBlobLeaseClient(container).BreakAsync(TimeSpan.Zero);
        }

        await container.DeleteAsync();
    }

    var queues = new Azure.Storage.Queues.QueueServiceClient(connectionString);
    await foreach (var queue in queues.GetQueuesAsync())
    {
        await queues.DeleteQueueAsync(queue.Name);
    }
}
