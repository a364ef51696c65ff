// Admission benchmark against Azurite. Usage: dotnet bench/Admission/bin/Release/net10.0/Admission.dll [sizes=10,100,1000] [requests=3]
// Needs AZURITE_CONNECTION_STRING. For each size N: N active releases on one system and one production window, seeded
// through the release store; then a few release requests into that same window, each through the storage path of
// POST /api/releases (ReleaseHandlers.CreateAsync: neighbours, check, create, warnings), counting the storage operations of
// each by kind from the Azure SDK's request events. Times nothing. Prints a table and
// "RATIO admission-ops-1000-vs-10 <ops per request at the largest size ÷ at the smallest>".
using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using Azure.Core.Diagnostics;
using Azure.Data.Tables;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

var connectionString = Environment.GetEnvironmentVariable("AZURITE_CONNECTION_STRING")
    ?? throw new InvalidOperationException("Set AZURITE_CONNECTION_STRING (source scripts/lib/azurite.sh; azurite_start DIR).");
var sizes = (args.Length > 0 ? args[0] : "10,100,1000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
var requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;

var policy = ReleasePolicyDefaults.Create();
var service = new TableServiceClient(connectionString);
var now = new DateTimeOffset(2027, 1, 4, 9, 0, 0, TimeSpan.Zero);
var target = new DateOnly(2027, 3, 16);   // a Tuesday: every release below waits for the same production window
const string System = "Billing";

// The storage requests of the current phase, by kind (method and what it addresses).
var counting = false;
var calls = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
using var listener = new AzureEventSourceListener((e, _) => Count(e), EventLevel.Informational);

Console.WriteLine($"sizes={string.Join(',', sizes)} requests={requests} runtime={Environment.Version}");
Console.WriteLine($"{"existing",9} {"ops/request",12}  by kind (per request)");
var perRequest = new Dictionary<int, double>();
foreach (var size in sizes)
{
    await ClearAsync();
    var store = new TableReleaseStore(service);
    await SeedAsync(store, size);
    calls.Clear();
    counting = true;
    for (var i = 0; i < requests; i++)
    {
        await RequestAsync(store, new ReleaseRequest($"bench-{size}-new-{i}", "Benchmark request", ReleaseType.Minor, [System], target));
    }

    counting = false;
    var total = calls.Values.Sum();
    perRequest[size] = (double)total / requests;
    var kinds = string.Join(", ", calls.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {(double)c.Value / requests:F1}"));
    Console.WriteLine($"{size,9} {perRequest[size],12:F1}  {kinds}");
}

await ClearAsync();
var (smallest, largest) = (sizes.Min(), sizes.Max());
Console.WriteLine($"RATIO admission-ops-{largest}-vs-{smallest} {(perRequest[largest] / perRequest[smallest]).ToString("F2", CultureInfo.InvariantCulture)}");

// The storage path of ReleaseHandlers.CreateAsync for an accepted request (the policy snapshot, the audit row and the
// orchestration's start are the same few calls whatever the number of releases, and are left out).
async Task RequestAsync(IReleaseStore store, ReleaseRequest release)
{
    var admission = new AdmissionWriter(store, policy);
    var neighbours = await admission.NeighboursAsync(release, CancellationToken.None);
    var check = ReleaseAdmission.Check(policy, release, neighbours);
    if (check.Refused)
    {
        throw new InvalidOperationException("The default policy warns; the request was refused.");
    }

    var record = new ReleaseRecord(release, now, ReleasePhase.Submitted, ReleaseStatus.Active, "Submitted.", now, PolicyHash: "bench");
    if (!await store.TryCreateAsync(record, CancellationToken.None))
    {
        throw new InvalidOperationException($"{release.Id} exists.");
    }

    await admission.WarnAsync(check, record, replace: false, now, CancellationToken.None);
}

// N active releases of the system, all in the window of the target date, stored 16 at a time (one partition each).
async Task SeedAsync(IReleaseStore store, int count) =>
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
    {
        var request = new ReleaseRequest($"bench-{count}-{i:D5}", "Existing release", ReleaseType.Minor, [System], target.AddDays(-(i % 5)));
        await store.TryCreateAsync(new ReleaseRecord(request, now, ReleasePhase.Planning, ReleaseStatus.Active, "Planning.", now, PolicyHash: "bench"), ct);
    });

// Every table of the account deleted, so each size starts from empty stores.
async Task ClearAsync()
{
    await foreach (var table in service.QueryAsync())
    {
        await service.DeleteTableAsync(table.Name);
    }
}

void Count(EventWrittenEventArgs e)
{
    if (!counting || e.EventName != "Request" || e.PayloadNames is null)
    {
        return;
    }

    var method = e.Payload![e.PayloadNames.IndexOf("method")]?.ToString();
    var uri = new Uri(e.Payload[e.PayloadNames.IndexOf("uri")]!.ToString()!);
    var path = Uri.UnescapeDataString(uri.AbsolutePath);
    var table = path.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "?";
    var name = table.Split('(')[0];
    var kind = path.Contains("$batch", StringComparison.Ordinal) ? "batch"
        : table.Contains('(') ? (table.EndsWith("()", StringComparison.Ordinal) ? $"{method} {name} query" : $"{method} {name} entity")
        : $"{method} {name}";
    calls.AddOrUpdate(kind, 1, (_, n) => n + 1);
}
