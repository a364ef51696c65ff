using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Api;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Azure.Metrics;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Events;
using ReleaseManagement.Metrics;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace History;

/// <summary>
/// One page: <see cref="Render"/> answers it as a host does (the shared handler, its result executed into a response body);
/// <see cref="RawOf"/> gives, for a rendered body, the raw read of the rows it shows (TableClient only, no store, no handler).
/// </summary>
/// <param name="Prepare">Work before each timed render that is not the page's (a cold instance's start: its composition), untimed.</param>
public sealed record PageCase(string Name, Func<Task<string>> Render, Func<string, Func<Task<int>>> RawOf, Func<Task>? Prepare = null);

/// <summary>The pages of issue 28 §3 over one composition (the hosts' <c>AddReleaseManagement</c>) and a raw table client.</summary>
public sealed partial class Pages(string connectionString, IServiceProvider services, IReadOnlyList<PlannedRelease> calendar, DateTimeOffset now)
{
    /// <summary>The signed-in person of every request: the release manager of the built-in directory (an audit reader, may see every page).</summary>
    public const string Person = "rm@example.com";

    private const int RawConcurrency = 16;

    private static readonly string Principal = Convert.ToBase64String(Encoding.UTF8.GetBytes(
        $$"""{"auth_typ":"aad","name_typ":"preferred_username","claims":[{"typ":"preferred_username","val":"{{Person}}"}]}"""));

    private readonly TableServiceClient _raw = new(connectionString);

    /// <summary>
    /// The composition both hosts share, on this Azurite, under the example policy (the built-in one with a directory of
    /// people), with sign-in required (so the audit export checks its reader).
    /// </summary>
    public static ServiceProvider Compose(string connectionString) =>
        new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Error))
            .AddSingleton<TimeProvider>(SeedClock.Instance) // the system clock, but for the seeder's rows written at their own time
            .AddSingleton(ReleasePolicyDefaults.Example()) // config/release-policy.example.json: the built-in policy with a directory of people
            .AddReleaseManagement(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = connectionString,
                ["Approvals:PublicBaseUrl"] = "http://history.bench",
                ["Approvals:FormKey"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()),
                ["Approvals:RequireSignedInApprover"] = "true",
                ["Email:Transport"] = "File",
                ["Email:From"] = "releases@example.com",
                ["Email:FileDirectory"] = Path.Combine(Path.GetTempPath(), "history-bench-mail"),
                ["Audit:SigningKeyId"] = "bench",
                ["Audit:SigningKeys:bench"] = Convert.ToBase64String(Enumerable.Range(100, 32).Select(i => (byte)i).ToArray()),
            }).Build())
            .BuildServiceProvider();

    public IReadOnlyList<PageCase> All(string releasePageId)
    {
        var dashboard = services.GetRequiredService<DashboardHandlers>();
        var releases = services.GetRequiredService<ReleaseHandlers>();
        var audit = services.GetRequiredService<AuditHandlers>();
        var (quarterFrom, quarterTo) = LastQuarter();
        return
        [
            new("board", () => RunAsync(r => dashboard.BoardAsync(r, default), "/api/dashboard"), body => () => ReleaseRowsAsync(LinkedIds(body))),
            new("calendar", () => RunAsync(r => dashboard.CalendarAsync(r, default), "/api/dashboard/calendar"), body => () => ReleaseRowsAsync(LinkedIds(body))),
            new("environments", () => RunAsync(r => dashboard.EnvironmentsAsync(r, default), "/api/dashboard/environments"), _ => EnvironmentRows),
            new("release", () => RunAsync(r => dashboard.ReleaseAsync(releasePageId, r, null!, default), "/api/dashboard/releases/" + releasePageId),
                _ => () => ReleasePartitionsAsync(releasePageId)),
            new("metrics-cold", MetricsColdAsync, _ => MetricsRowsAsync, PrepareColdAsync),
            new("api-completed", () => RunAsync(r => releases.ListAsync(r, default), "/api/releases", "?status=Completed"), body => () => ReleaseRowsAsync(JsonIds(body, "releases", "id"))),
            new("api-active", () => RunAsync(r => releases.ListAsync(r, default), "/api/releases", "?status=Active"), body => () => ReleaseRowsAsync(JsonIds(body, "releases", "id"))),
            new("audit-quarter", () => RunAsync(r => audit.GetPeriodAsync(r, default), "/api/audit", $"?from={quarterFrom:yyyy-MM-dd}&to={quarterTo:yyyy-MM-dd}"),
                body => () => AuditPartitionsAsync(JsonIds(body, "releases", "releaseId"))),
        ];
    }

    /// <summary>The last whole calendar quarter before today.</summary>
    public (DateOnly From, DateOnly To) LastQuarter()
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var first = new DateOnly(today.Year, ((today.Month - 1) / 3 * 3) + 1, 1).AddMonths(-3);
        return (first, first.AddMonths(3).AddDays(-1));
    }

    /// <summary>The handler's result executed as a host executes it, for a signed-in GET; the body, refused unless 200.</summary>
    private async Task<string> RunAsync(Func<HttpRequest, Task<IResult>> handler, string path, string query = "", IServiceProvider? on = null)
    {
        var context = new DefaultHttpContext { RequestServices = on ?? services };
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);
        context.Request.Headers[AppServicePrincipal.Header] = Principal;
        using var body = new MemoryStream();
        context.Response.Body = body;
        var result = await handler(context.Request);
        await result.ExecuteAsync(context);
        var text = Encoding.UTF8.GetString(body.ToArray());
        return context.Response.StatusCode == StatusCodes.Status200OK
            ? text
            : throw new InvalidOperationException($"GET {path}{query} answered {context.Response.StatusCode}: {text[..Math.Min(400, text.Length)]}");
    }

    /// <summary>The metrics page on a new host instance (composition, reader, clients): its first view, cold.</summary>
    private async Task<string> MetricsColdAsync()
    {
        // A new instance's first view: composed and started beforehand (PrepareColdAsync, untimed, as a host starts before
        // it serves), so what is timed is the request on an instance that has read nothing yet (no table checked, no cache).
        await using var fresh = _cold ?? Compose(connectionString);
        _cold = null;
        var handlers = fresh.GetRequiredService<DashboardHandlers>();
        return await RunAsync(_ => handlers.MetricsAsync(default), "/api/dashboard/metrics", on: fresh);
    }

    private ServiceProvider? _cold;

    /// <summary>
    /// A new instance's start: its composition, what a host resolves and validates before serving (the policy), and its
    /// hosted services started, the storage warm-up (<see cref="StorageWarmUp"/>) awaited: an instance serves its first
    /// request after the seconds a host takes to start, in which the warm-up's few requests end.
    /// </summary>
    private async Task PrepareColdAsync()
    {
        _cold = Compose(connectionString);
        _ = _cold.GetRequiredService<DashboardHandlers>();
        _ = _cold.GetRequiredService<ReleasePolicy>();
        foreach (var hosted in _cold.GetServices<IHostedService>())
        {
            await hosted.StartAsync(default);
        }

        await _cold.GetRequiredService<StorageWarmUp>().Completion;
    }

    /// <summary>The releases a page links to (<see cref="DashboardRoutes.Release"/>), in its order.</summary>
    public static IReadOnlyList<string> LinkedIds(string html) =>
        ReleaseLink().Matches(html).Select(m => Uri.UnescapeDataString(m.Groups[1].Value)).Distinct(StringComparer.Ordinal).ToArray();

    [GeneratedRegex("/api/dashboard/releases/([A-Za-z0-9._%-]+)\"")]
    private static partial Regex ReleaseLink();

    public static IReadOnlyList<string> JsonIds(string json, string list, string property) =>
        (JsonNode.Parse(json)?[list]?.AsArray() ?? []).Select(n => n![property]!.GetValue<string>()).ToArray();

    /// <summary>Point reads of the release rows, 16 at a time.</summary>
    private Task<int> ReleaseRowsAsync(IReadOnlyList<string> ids)
    {
        var table = _raw.GetTableClient(TableNames.Releases);
        return ThrottledAsync(ids, async id => (await table.GetEntityAsync<TableEntity>(id, TableReleaseStore.RowKey)).Value is null ? 0 : 1);
    }

    /// <summary>The release page's rows: its partition of Releases (the release row and timeline), its events' index partition and its decisions, at once.</summary>
    private async Task<int> ReleasePartitionsAsync(string id)
    {
        var counts = await Task.WhenAll(
            CountAsync(_raw.GetTableClient(TableNames.Releases), TableClient.CreateQueryFilter($"PartitionKey eq {id}")),
            CountAsync(_raw.GetTableClient(EventStorageNames.DefaultTable), TableClient.CreateQueryFilter($"PartitionKey eq {TablePipelineEventStore.ReleaseKey(id)}")),
            CountAsync(_raw.GetTableClient(TableNames.ApprovalDecisions), TableClient.CreateQueryFilter($"PartitionKey eq {id}")));
        return counts.Sum();
    }

    /// <summary>Each listed release's audit partition (the rows shown and the chain they are verified by), 16 at a time.</summary>
    private Task<int> AuditPartitionsAsync(IReadOnlyList<string> ids)
    {
        var table = _raw.GetTableClient(TableNames.ReleaseAudit);
        return ThrottledAsync(ids, id => CountAsync(table, TableClient.CreateQueryFilter($"PartitionKey eq {id}")));
    }

    /// <summary>
    /// The environments page's rows: per system and environment, the last deployment or rollback event of the look-back and
    /// the last successful deployment (point reads of their event rows), from the calendar as seeded.
    /// </summary>
    private Task<int> EnvironmentRows()
    {
        var since = now - DashboardReader.DeploymentLookback;
        var shown = calendar.Where(r => r.DeployAt.AddDays(30) >= since && r.RequestedAt <= now)
            .SelectMany(r => Calendar.EventsOf(r, now))
            .Where(e => e.OccurredAt >= since && e.OccurredAt <= now && e.Environment is not null)
            .GroupBy(e => (e.System, e.Environment))
            .SelectMany(g => new[]
            {
                g.MaxBy(e => e.OccurredAt)!,
                g.Where(e => e.Type == CanonicalEventType.ServiceDeployed).MaxBy(e => e.OccurredAt)!,
            })
            .Where(e => e is not null)
            .DistinctBy(e => e.EventId)
            .ToArray();
        var table = _raw.GetTableClient(EventStorageNames.DefaultTable);
        return ThrottledAsync(shown, async e =>
            (await table.GetEntityAsync<TableEntity>(TablePipelineEventStore.PeriodKey(e.OccurredAt), TableKeys.Encode(e.EventId))).Value is null ? 0 : 1);
    }

    /// <summary>The metrics page's rows, by a new client (cold as the page): the daily rollups of its window, today's events and today's approval facts' index.</summary>
    private async Task<int> MetricsRowsAsync()
    {
        var client = new TableServiceClient(connectionString);
        var (from, to) = services.GetRequiredService<MetricsService>().PageDays(now);
        var todayStart = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var counts = await Task.WhenAll(
            CountAsync(client.GetTableClient(MetricsTableNames.MetricsDaily),
                TableClient.CreateQueryFilter($"PartitionKey ge {TableMetricsDailyStore.DateKey(from)} and PartitionKey lt {TableMetricsDailyStore.DateKey(to)}")),
            CountAsync(client.GetTableClient(EventStorageNames.DefaultTable),
                TableClient.CreateQueryFilter($"PartitionKey eq {TablePipelineEventStore.PeriodKey(now)} and OccurredAt ge {todayStart}")),
            // Today's approval facts, which the page's figures of today count: the approvals' day partition (docs/approvals.md).
            CountAsync(client.GetTableClient(TableNames.ApprovalsByDay),
                TableClient.CreateQueryFilter($"PartitionKey eq {ApprovalDayIndex.Partition(now)}")));
        return counts.Sum();
    }

    private static async Task<int> CountAsync(TableClient table, string filter)
    {
        var n = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(filter))
        {
            n++;
        }

        return n;
    }

    private static async Task<int> ThrottledAsync<T>(IReadOnlyList<T> items, Func<T, Task<int>> read)
    {
        using var gate = new SemaphoreSlim(RawConcurrency);
        var counts = await Task.WhenAll(items.Select(async item =>
        {
            await gate.WaitAsync();
            try
            {
                return await read(item);
            }
            finally
            {
                gate.Release();
            }
        }));
        return counts.Sum();
    }
}
