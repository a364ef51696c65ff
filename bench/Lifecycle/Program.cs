// Lifecycle benchmark: N hotfix releases driven concurrently through the local host (its own process, durable engine on
// Azurite), request to Completed over HTTP and signed webhooks. Usage (see bench/README.md):
//   dotnet bench/Lifecycle/bin/Release/net10.0/Lifecycle.dll 50 500 [activities=20] [partitions=2] [polling=1] [queue-polling=2] [poll=100] [wait-poll=500] [deadline=900] [limit=1200] [ops=1]
// ops=1 (issue 28 §2): the local host's storage goes through a counting proxy (StorageProxy), and each size prints its
// storage operations and history rows per completed release, then the RATIO lines (bench/run.sh scale).
// Needs AZURITE_CONNECTION_STRING. For each N: a fresh local host on a task hub of its own, a warm-up release, the
// baseline GETs, then N releases at once; prints the figures of each N and the ratios of the last N to the first.
using System.Diagnostics;
using System.Globalization;
using Lifecycle;
using ReleaseManagement.Policy;

var connectionString = Environment.GetEnvironmentVariable("AZURITE_CONNECTION_STRING")
    ?? throw new InvalidOperationException("Set AZURITE_CONNECTION_STRING (source scripts/lib/azurite.sh; azurite_start DIR).");
var sizes = args.Where(a => !a.Contains('=', StringComparison.Ordinal)).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToList();
if (sizes.Count == 0)
{
    sizes = [50];
}

var options = args.Where(a => a.Contains('=', StringComparison.Ordinal)).Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
string Option(string name, string fallback) => options.TryGetValue(name, out var v) ? v : fallback;
var partitions = Option("partitions", "");          // LocalHost__PartitionCount (the local host's default: 2)
var polling = Option("polling", "");                // LocalHost__MaxQueuePollingInterval in seconds (default: 1)
var queuePolling = Option("queue-polling", "");     // LocalHost__Queue__MaxPollingInterval in seconds (default: 2)
var activities = Option("activities", "");          // LocalHost__MaxConcurrentActivities (default: 10 × cores)
var measuredPoll = TimeSpan.FromMilliseconds(double.Parse(Option("poll", "100"), CultureInfo.InvariantCulture));
var waitPoll = TimeSpan.FromMilliseconds(double.Parse(Option("wait-poll", "500"), CultureInfo.InvariantCulture));
var deadline = TimeSpan.FromSeconds(double.Parse(Option("deadline", "900"), CultureInfo.InvariantCulture));
// The most one size may take (its N releases, after the warm-up): releases not Completed by then are reported unfinished.
var limit = TimeSpan.FromSeconds(double.Parse(Option("limit", "1200"), CultureInfo.InvariantCulture));
var countOps = Option("ops", "0") is "1" or "true";
const string Secret = "bench-lifecycle-cdevents-secret-0123456789";

// The built-in policy in UTC with a two-second watch (HotfixReviewEndToEndTests' policy): the hotfix route has no
// windows, no promotion approvals and no timers that matter at this length; the review is ended by the API.
var defaults = ReleasePolicyDefaults.Create();
// The N releases touch `systems=` bench systems in turn (release i the system i mod K, default 50), not one: with one
// system every request is in window conflict with every release before it on the same day, and the request handler
// writes a warning naming all of them on each of their rows (O(N²) writes, and at N = 500 warnings too long for a table
// property): that measured the admission's conflict check, not the lifecycle (bench/README.md, "Issue 16: scaling").
var systemCount = int.Parse(Option("systems", "50"), CultureInfo.InvariantCulture);
var benchSystems = Enumerable.Range(0, systemCount).Select(i => $"Bench{i:D3}").ToArray();
var policy = defaults with
{
    Systems = defaults.Systems.Concat(benchSystems.Select(name => KeyValuePair.Create(name, new SystemPolicy
    {
        Description = "Bench system " + name,
        Approvers = new Dictionary<string, IReadOnlyList<string>>(),
    }))).ToDictionary(),
    // The requests name the shared test approvers and the CI reports machine evidence by the API, as the tests' policy
    // lets them (HotfixReviewEndToEndTests); the built-in directory names nobody.
    Access = defaults.Access with { RequestMayNameApprovers = true, PeopleMayReportMachineEvidence = true },
    TimeZone = "UTC",
    SuccessCriteria = defaults.SuccessCriteria with { WatchDuration = TimeSpan.FromSeconds(2), CheckInterval = TimeSpan.FromSeconds(1), ValidationDelay = TimeSpan.Zero },
};
var work = Path.Combine(Path.GetTempPath(), "bench-lifecycle-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(work);
var policyPath = Path.Combine(work, "policy.json");
await File.WriteAllTextAsync(policyPath, PolicyJson.Serialize(policy));

Console.WriteLine($"sizes={string.Join(",", sizes)} activities={(activities == "" ? "default" : activities)} partitions={(partitions == "" ? "default" : partitions)} polling={(polling == "" ? "default" : polling + " s")} queue-polling={(queuePolling == "" ? "default" : queuePolling + " s")} "
    + $"systems={systemCount} ops={(countOps ? "counted" : "not counted")} poll={measuredPoll.TotalMilliseconds} ms wait-poll={waitPoll.TotalMilliseconds} ms runtime={Environment.Version} cores={Environment.ProcessorCount} load={LoadAverage()}");

var benchmarkTime = Stopwatch.StartNew();
var results = new List<Result>();
var opsFigures = new List<OpsFigures>();
try
{
    foreach (var n in sizes)
    {
        results.Add(await RunAsync(n));
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}

if (results.Count >= 2)
{
    var (first, last) = (results[0], results[^1]);
    Console.WriteLine($"RATIO p95 event->projection at {last.N} / at {first.N} = {last.P95Projection / first.P95Projection:F2}   (goal <= 3)");
    Console.WriteLine($"RATIO memory per release in flight at {last.N} / at {first.N} = {last.BytesPerRelease / first.BytesPerRelease:F2}");
    Console.WriteLine($"RATIO throughput at {last.N} / at {first.N} = {last.Throughput / first.Throughput:F2}");
}

OpsReport.Ratios(opsFigures);

Console.WriteLine($"Lifecycle {string.Join(" ", args)}: {benchmarkTime.Elapsed.TotalSeconds:F0} s in all (host starts, warm-ups and baselines included)");
return results.Any(r => r.Failures > 0) ? 1 : 0;

async Task<Result> RunAsync(int n)
{
    var hub = "bench" + Guid.NewGuid().ToString("N")[..12];
    var settings = new Dictionary<string, string>
    {
        ["AzureWebJobsStorage"] = connectionString,
        ["TaskHubName"] = hub,
        ["PipelineEvents__Queue"] = "events" + hub,
        ["PipelineEvents__Table"] = "events" + hub,
        ["PipelineEvents__Container"] = "events" + hub,
        ["Webhooks__CDEvents__Secrets__0"] = Secret,
        ["Policy__Path"] = policyPath,
        ["Email__FileDirectory"] = Path.Combine(work, "mail-" + hub),
    };
    if (activities != "")
    {
        settings["LocalHost__MaxConcurrentActivities"] = activities;
    }

    if (partitions != "")
    {
        settings["LocalHost__PartitionCount"] = partitions;
    }

    if (queuePolling != "")
    {
        settings["LocalHost__Queue__MaxPollingInterval"] = TimeSpan.FromSeconds(double.Parse(queuePolling, CultureInfo.InvariantCulture)).ToString("c", CultureInfo.InvariantCulture);
    }

    if (polling != "")
    {
        settings["LocalHost__MaxQueuePollingInterval"] = TimeSpan.FromSeconds(double.Parse(polling, CultureInfo.InvariantCulture)).ToString("c", CultureInfo.InvariantCulture);
    }

    // ops=1: the host's storage through the counting proxy; its timer jobs off (time-driven, not the releases' work).
    await using var proxy = countOps ? await StorageProxy.StartAsync(connectionString, hub) : null;
    if (proxy is not null)
    {
        settings["AzureWebJobsStorage"] = proxy.ConnectionString;
        settings["LocalScheduler__Enabled"] = "false";
        if (Option("ops-log", "") is { Length: > 0 } opsLog)
        {
            proxy.LogTo(opsLog);
        }
    }

    await using var host = await LocalHost.StartAsync(settings);

    // Warm-up: one release end to end (JIT, tables, queues, partitions leased), not measured. With ops=1, while it waits
    // for its emergency approval (active, nothing else running on it), 50 GETs of it are counted: the storage cost of
    // one of the drivers' polling GETs, taken out of the releases' own figures.
    var warm = new Readings();
    var warmDriver = new ReleaseDriver(host.Client, Secret, policy, warm, measuredPoll, waitPoll, deadline);
    var warmId = "warm-" + hub;
    (StorageTally Tally, int Gets) perGet = (new StorageTally(hub), 0);
    var warmRun = warmDriver.RunAsync(warmId, measure: false, whileAwaitingApproval: proxy is null ? null : async () =>
    {
        await SettleAsync(proxy, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
        proxy.Take();
        for (var i = 0; i < 50; i++)
        {
            await warmDriver.GetAsync(warmId);
        }

        perGet = (proxy.Take(), 50);
    });
    try
    {
        await warmRun;
    }
    catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException)
    {
        // The warm-up's failure is the host's: say what it logged, not only the status it answered.
        Console.WriteLine($"  warm-up failed: {e.Message}\n  host output (tail):\n{host.Tail}");
        throw;
    }

    if (proxy is not null)
    {
        await SettleAsync(proxy, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(90));
    }

    // Baseline: bare GETs of one projection (the measured path's floor), 200 sequential, on the idle host.
    var baseline = new Readings();
    var baselineDriver = new ReleaseDriver(host.Client, Secret, policy, baseline, measuredPoll, waitPoll, deadline);
    for (var i = 0; i < 200; i++)
    {
        await baselineDriver.GetAsync(warmId);
    }

    var idleMemory = host.Memory();
    // ops=1: ten seconds of the idle host (what is time-driven), then the N releases' window starts.
    var idle = (Tally: new StorageTally(hub), Length: TimeSpan.FromSeconds(10));
    if (proxy is not null)
    {
        proxy.Take();
        await Task.Delay(idle.Length);
        idle.Tally = proxy.Take();
    }

    // N releases at once; the host's memory sampled every 250 ms with the number of releases in flight.
    var readings = new Readings();
    var driver = new ReleaseDriver(host.Client, Secret, policy, readings, measuredPoll, waitPoll, deadline, benchSystems);
    var samples = new List<(double At, long WorkingSet, long Private, int InFlight)>();
    using var stopSampling = new CancellationTokenSource();
    var cpu = new CpuMeter(host.ProcessId);
    var watch = Stopwatch.StartNew();
    var sampler = Task.Run(async () =>
    {
        while (!stopSampling.IsCancellationRequested)
        {
            var (ws, priv) = host.Memory();
            lock (samples)
            {
                samples.Add((watch.Elapsed.TotalSeconds, ws, priv, Volatile.Read(ref readings.InFlight)));
                if (samples.Count % 120 == 0)
                {
                    Console.Error.WriteLine($"  [{watch.Elapsed.TotalSeconds:F0} s] completed {Volatile.Read(ref readings.Completed)}, in flight {Volatile.Read(ref readings.InFlight)}, failed {readings.Failures.Count}, working set {Mb(ws)} MB, load {LoadAverage()}");
                }
            }

            try
            {
                await Task.Delay(250, stopSampling.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    });
    var lastCompleted = TimeSpan.Zero;
    var unfinished = 0;
    using var stop = new CancellationTokenSource(limit);
    await Task.WhenAll(Enumerable.Range(0, n).Select(i => Task.Run(async () =>
    {
        Interlocked.Increment(ref readings.InFlight);
        try
        {
            await driver.RunAsync($"{hub}-{i:D4}", measure: true, stop.Token);
            Interlocked.Increment(ref readings.Completed);
            lock (samples)
            {
                lastCompleted = watch.Elapsed;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Interlocked.Increment(ref unfinished);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or TaskCanceledException)
        {
            readings.Failures.Add(e.Message);
        }
        finally
        {
            Interlocked.Decrement(ref readings.InFlight);
        }
    })));
    var elapsed = watch.Elapsed;
    var cpuUsed = cpu.Used();
    // ops=1: the window ends when the releases' last storage operations have (the orchestrations' tails after the
    // projection showed Completed: five seconds with no release-driven operation, at most 90 s).
    if (proxy is not null)
    {
        await SettleAsync(proxy, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(90));
    }

    var opsWindow = proxy?.Take();
    var windowLength = watch.Elapsed;
    await stopSampling.CancelAsync();
    await sampler;

    var peak = samples.MaxBy(s => s.WorkingSet);
    var peakPrivate = samples.Max(s => s.Private);
    var maxInFlight = samples.Max(s => s.InFlight);
    // Memory per release in flight: the working set above the idle host's, over the releases in flight at that sample,
    // taken at the sample where it is largest with at least half the releases still in flight (GC timing makes any one
    // sample noisy; the peak of the run is printed too).
    var perRelease = samples.Where(s => s.InFlight >= Math.Max(1, n / 2))
        .Select(s => (double)(s.WorkingSet - idleMemory.WorkingSet) / s.InFlight).DefaultIfEmpty(0).Max();
    var throughput = readings.Completed / (lastCompleted > TimeSpan.Zero ? lastCompleted : elapsed).TotalSeconds;
    var result = new Result(n, throughput, P(readings.AckToProjection, 95), Math.Max(perRelease, 1), readings.Failures.Count + unfinished);

    Console.WriteLine();
    Console.WriteLine($"N = {n}: {readings.Completed} completed, {readings.Failures.Count} failed, {unfinished} unfinished at the limit ({limit.TotalSeconds:F0} s), in {elapsed.TotalSeconds:F1} s; load average now {LoadAverage()}");
    Console.WriteLine($"  releases completed per second:        {throughput:F2}");
    Console.WriteLine($"  baseline: bare GET of a projection   p50 {P(baseline.Gets, 50):F1} ms   p95 {P(baseline.Gets, 95):F1} ms   (idle host, 200 sequential)");
    Console.WriteLine($"  GET of a projection under load       p50 {P(readings.Gets, 50):F1} ms   p95 {P(readings.Gets, 95):F1} ms   ({readings.Gets.Count} GETs, {readings.Gets.Count / elapsed.TotalSeconds:F0} /s)");
    Console.WriteLine($"  webhook ack (202)                    p50 {P(readings.Acks, 50):F1} ms   p95 {P(readings.Acks, 95):F1} ms   ({readings.Acks.Count} deliveries, {readings.Unavailable} answered 503 and sent again; API writes: {readings.UnavailableWrites} answered 503 and sent again)");
    Console.WriteLine($"  ack -> projection shows the event    p50 {P(readings.AckToProjection, 50):F0} ms   p95 {P(readings.AckToProjection, 95):F0} ms   max {P(readings.AckToProjection, 100):F0} ms   (poll every {measuredPoll.TotalMilliseconds} ms: upper bound)");
    Console.WriteLine($"  ack -> orchestration's timeline stamp p50 {P(readings.AckToOrchestration, 50):F0} ms   p95 {P(readings.AckToOrchestration, 95):F0} ms");
    Console.WriteLine($"  host memory idle                     working set {Mb(idleMemory.WorkingSet)} MB   private {Mb(idleMemory.Private)} MB");
    Console.WriteLine($"  host memory peak                     working set {Mb(peak.WorkingSet)} MB at {peak.InFlight} in flight   private {Mb(peakPrivate)} MB   ({samples.Count} samples, max {maxInFlight} in flight)");
    Console.WriteLine($"  working set per release in flight    {perRelease / 1024:F0} KB");
    Console.WriteLine($"  CPU seconds during the N releases     {string.Join("   ", cpuUsed.Select(c => $"{c.Name} {c.Seconds:F0} s"))}   (per completed release: {string.Join(", ", cpuUsed.Select(c => $"{c.Name} {c.Seconds / Math.Max(1, readings.Completed):F2} s"))}; wall {elapsed.TotalSeconds:F0} s × {Environment.ProcessorCount} cores)");
    var historyRows = double.NaN;
    try
    {
        var (engineWork, rowsPerRelease) = await HistoryCount.DescribeAsync(connectionString, hub, n + 1);
        historyRows = rowsPerRelease;
        Console.WriteLine($"  engine work                          {engineWork}");
    }
    catch (Azure.RequestFailedException e)
    {
        Console.WriteLine($"  engine work                          not counted: {e.Message}");
    }

    if (opsWindow is not null)
    {
        opsFigures.Add(OpsReport.Print(readings.Completed, n, opsWindow, windowLength, perGet, idle, readings.Gets.Count, historyRows));
    }

    Console.WriteLine($"  RATIO p95 ack->projection / p95 bare GET = {P(readings.AckToProjection, 95) / P(baseline.Gets, 95):F1}");
    foreach (var failure in readings.Failures.Take(5))
    {
        Console.WriteLine($"  failure: {failure}");
    }

    if (readings.Failures.Count > 0)
    {
        Console.WriteLine($"  host output (tail):\n{host.Tail}");
    }

    return result;
}

// Waits until the proxy has counted no release-driven operation for `quiet` (at most `max`).
static async Task SettleAsync(StorageProxy proxy, TimeSpan quiet, TimeSpan max)
{
    var total = Stopwatch.StartNew();
    var since = Stopwatch.StartNew();
    var last = -1L;
    while (total.Elapsed < max)
    {
        var now = proxy.Current.ReleaseDriven;
        if (now != last)
        {
            last = now;
            since.Restart();
        }
        else if (since.Elapsed >= quiet)
        {
            return;
        }

        await Task.Delay(250);
    }
}

static double P(IEnumerable<double> values, double percentile)
{
    var sorted = values.Order().ToArray();
    return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(sorted.Length * percentile / 100) - 1, 0, sorted.Length - 1)];
}

static string Mb(long bytes) => (bytes / 1024.0 / 1024).ToString("F0", CultureInfo.InvariantCulture);

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

internal sealed record Result(int N, double Throughput, double P95Projection, double BytesPerRelease, int Failures);
