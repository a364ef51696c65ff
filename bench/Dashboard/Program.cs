// Dashboard benchmark against Azurite. Usage: dotnet bench/Dashboard/bin/Release/net10.0/Dashboard.dll [releases=1000] [samples=40]
// Needs AZURITE_CONNECTION_STRING (a fresh Azurite: it writes table Releases). Seeds N releases spread over the phases,
// then takes, alternately, samples of: the raw query of the same N release rows (TableClient, entities only), and the
// board as the handler builds it (IReleaseStore.ListAsync, BoardView.Build, the BoardPage component rendered to HTML).
// Reports p50/p95 of each and the p95 ratio (goal: at most 2x), plus the board's build+render share alone.
using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Api.Dashboard.Components;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

var connectionString = Environment.GetEnvironmentVariable("AZURITE_CONNECTION_STRING")
    ?? throw new InvalidOperationException("Set AZURITE_CONNECTION_STRING (source scripts/lib/azurite.sh; azurite_start DIR).");
var n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
var samples = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40;
var service = new TableServiceClient(connectionString);
var policy = ReleasePolicyDefaults.Create();
var format = new DisplayFormat(PolicyTime.Zone(policy));
var store = new TableReleaseStore(service);
var table = service.GetTableClient(TableNames.Releases);
var services = new ServiceCollection().AddLogging().BuildServiceProvider();
Console.WriteLine($"N={n} samples={samples} runtime={Environment.Version} cores={Environment.ProcessorCount}");

var now = DateTimeOffset.UtcNow;
await table.CreateIfNotExistsAsync();
var existing = 0;
await foreach (var _ in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {TableReleaseStore.RowKey}"), select: ["RowKey"]))
{
    existing++;
}

if (existing != 0 && existing != n)
{
    throw new InvalidOperationException($"Table {TableNames.Releases} holds {existing} releases, not 0 or {n}: use a fresh Azurite.");
}

if (existing == 0)
{
    var phases = new[] { ReleasePhase.Planning, ReleasePhase.Development, ReleasePhase.Promotion, ReleasePhase.Deployment, ReleasePhase.Validation, ReleasePhase.PostRelease, ReleasePhase.Closed };
    string[] systems = ["Billing", "Forecasting", "Integration", "Customer Sites"];
    await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
    {
        var id = $"bench-{i:D5}";
        var request = new ReleaseRequest(id, $"Benchmark release {i}", (ReleaseType)(i % 4), [systems[i % 4], systems[(i + 1) % 4]],
            DateOnly.FromDateTime(now.UtcDateTime).AddDays(7 + i % 60), "lead2@example.com");
        await store.TryCreateAsync(new ReleaseRecord(request, now.AddDays(-10), ReleasePhase.Submitted, ReleaseStatus.Active, "Submitted.", now.AddDays(-10)), ct);
        var phase = phases[i % phases.Length];
        var status = phase == ReleasePhase.Closed ? (i % 2 == 0 ? ReleaseStatus.Completed : ReleaseStatus.RolledBack) : ReleaseStatus.Active;
        var at = now.AddHours(-(i % 48));
        await store.ApplyAsync(new ReleaseStatusChange(id, at, phase, status, $"Benchmark step of {id}.",
            new TimelineEntry(1, at, phase, "status", $"Benchmark step of {id}."),
            Stage: "promotion:staging",
            Gates: [new GateItemStatus("unit-tests", "Passed", null), new GateItemStatus("code-review", "Pending", "Waiting for an attestation.")],
            PendingApprovals: i % 3 == 0 ? [new PendingApproval("promotion:staging", ["qa-lead"], now.AddHours(i % 5 - 2))] : [],
            Risk: "Medium (impact Medium, probability Medium): Standard testing, monitoring"), ct);
    });
}

async Task<int> RawQuery()
{
    var rows = 0;
    await foreach (var _ in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {TableReleaseStore.RowKey}")))
    {
        rows++;
    }

    return rows;
}

async Task<(int Rows, int Bytes, TimeSpan Render)> Board()
{
    var records = await store.ListAsync(new ReleaseQuery(Max: DashboardReader.MaxReleases));
    var started = Stopwatch.GetTimestamp();
    var view = BoardView.Build(policy, records, new BoardFilter(), [], policy.Systems.Keys.ToArray(), format, DateTimeOffset.UtcNow);
    var html = await DashboardPage.RenderAsync(services, typeof(BoardPage), new Dictionary<string, object?> { ["Model"] = view, ["Nonce"] = "bench" });
    return (records.Count, html.Length, Stopwatch.GetElapsedTime(started));
}

// Warm-up (JIT, connection pool, Razor component types), checked to read all N rows both ways.
for (var i = 0; i < 3; i++)
{
    var raw = await RawQuery();
    var board = await Board();
    if (raw != n || board.Rows != n)
    {
        throw new InvalidOperationException($"Expected {n} rows; raw query read {raw}, the board {board.Rows}.");
    }
}

var rawTimes = new List<double>();
var boardTimes = new List<double>();
var renderTimes = new List<double>();
var htmlBytes = 0;
for (var i = 0; i < samples; i++)
{
    var t = Stopwatch.GetTimestamp();
    await RawQuery();
    rawTimes.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);

    t = Stopwatch.GetTimestamp();
    var board = await Board();
    boardTimes.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
    renderTimes.Add(board.Render.TotalMilliseconds);
    htmlBytes = board.Bytes;
}

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToArray();
    return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

string Row(string name, List<double> v) => string.Create(CultureInfo.InvariantCulture, $"{name,-28} p50 {Percentile(v, 0.5),8:0.0} ms   p95 {Percentile(v, 0.95),8:0.0} ms");
Console.WriteLine(Row("raw table query (N rows)", rawTimes));
Console.WriteLine(Row("board (query+build+render)", boardTimes));
Console.WriteLine(Row("  of which build+render", renderTimes));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"board HTML: {htmlBytes / 1024.0:0} KiB"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"p95 board / p95 raw query = {Percentile(boardTimes, 0.95) / Percentile(rawTimes, 0.95):0.00}"));
