using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Audit;
using ReleaseManagement.Azure.Audit;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Ports;
using ReleaseFunctions.TestSupport;

namespace ReleaseManagement.Api.Tests;

/// <summary>
/// Issue 24, point 6: <c>GET /api/audit?from=&amp;to=</c> through the shared handler on Azurite: every release's rows in a
/// period, each chain verified against its key and checkpoint; a trail deleted from the table is still listed, as broken.
/// </summary>
[StartFirst]
public sealed class AuditPeriodTests : IAsyncLifetime
{
    private ApiHarness _h = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _h = await ApiHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private string Today => DateOnly.FromDateTime(_h.Time.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private Task<Answer> PeriodAsync(string query) =>
        _h.CallAsync(r => _h.Services.GetRequiredService<AuditHandlers>().GetPeriodAsync(r, Ct), query: query, method: "GET");

    private static JsonObject? Release(Answer answer, string id) =>
        answer.Body!["releases"]!.AsArray().Select(r => r!.AsObject()).SingleOrDefault(r => (string?)r["releaseId"] == id);

    [Fact]
    public async Task Period_Today_ListsEachReleaseRequestedTodayVerifiedWithItsRows()
    {
        var first = await _h.StartReleaseAsync();
        var second = await _h.StartReleaseAsync();

        var answer = await PeriodAsync($"?from={Today}&to={Today}");

        Assert.Equal(200, answer.Status);
        Assert.Equal(Today, answer.Str("from"));
        foreach (var id in new[] { first, second })
        {
            var release = Release(answer, id);
            Assert.NotNull(release);
            Assert.True((bool)release["verified"]!);
            var actions = release["entries"]!.AsArray().Select(e => (string?)e!["action"]).ToArray();
            Assert.Equal("request", actions[0]);
            Assert.Equal(actions.Length, (int)release["count"]!);
        }
    }

    [Fact]
    public async Task Period_BeforeTheRelease_DoesNotListIt()
    {
        var id = await _h.StartReleaseAsync();
        var yesterday = DateOnly.FromDateTime(_h.Time.GetUtcNow().UtcDateTime).AddDays(-1);

        var answer = await PeriodAsync(FormattableString.Invariant($"?from={yesterday.AddDays(-30):yyyy-MM-dd}&to={yesterday:yyyy-MM-dd}"));

        Assert.Equal(200, answer.Status);
        Assert.Null(Release(answer, id));
    }

    [Fact]
    public async Task Period_TrailDeletedFromTheTable_ListsTheReleaseAsNotVerified()
    {
        var id = await _h.StartReleaseAsync();
        var table = new TableClient(ApiHarness.AzuriteConnectionString, TableNames.ReleaseAudit);
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id}"), cancellationToken: Ct))
        {
            await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, cancellationToken: Ct);
        }

        var answer = await PeriodAsync($"?from={Today}&to={Today}");

        Assert.Equal(200, answer.Status);
        Assert.False((bool)answer.Body!["verified"]!);
        var release = Release(answer, id);
        Assert.NotNull(release);
        Assert.False((bool)release["verified"]!);
        Assert.Empty(release["entries"]!.AsArray());
        Assert.False(string.IsNullOrEmpty((string?)release["problem"]));
    }

    /// <summary>
    /// The whole trail's manifest names what the per-release checkpoints no longer can: a release whose rows, record and
    /// own checkpoints were all deleted (where retention lapsed, or on storage without immutability, as Azurite).
    /// </summary>
    [Fact]
    public async Task Period_ReleaseDeletedWithItsRecordAndCheckpoints_IsListedMissingThroughTheDailyManifest()
    {
        var id = await _h.StartReleaseAsync();
        var checkpoints = _h.Services.GetRequiredService<IAuditCheckpoints>();
        var head = await checkpoints.LatestAsync(id, Ct);
        Assert.NotNull(head);
        // The daily job's manifest, as it would name this release (the job itself reads every release in the shared
        // container: AuditManifestJob's own test runs it on a container of its own).
        var keys = _h.Services.GetRequiredService<AuditKeys>();
        await checkpoints.RecordManifestAsync(AuditManifest.Seal(DateTimeOffset.UtcNow, [head], keys), Ct);
        await _h.EndAsync(id);

        var audit = new TableClient(ApiHarness.AzuriteConnectionString, TableNames.ReleaseAudit);
        await foreach (var row in audit.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id}"), cancellationToken: Ct))
        {
            await audit.DeleteEntityAsync(row.PartitionKey, row.RowKey, cancellationToken: Ct);
        }

        var releases = new TableClient(ApiHarness.AzuriteConnectionString, TableNames.Releases);
        await foreach (var row in releases.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id}"), cancellationToken: Ct))
        {
            await releases.DeleteEntityAsync(row.PartitionKey, row.RowKey, cancellationToken: Ct);
        }

        var container = _h.Services.GetRequiredService<ReleaseManagement.Azure.Events.EventStorageClients>().Blobs.GetBlobContainerClient(BlobAuditCheckpoints.DefaultContainer);
        await foreach (var blob in container.GetBlobsAsync(global::Azure.Storage.Blobs.Models.BlobTraits.None, global::Azure.Storage.Blobs.Models.BlobStates.None, id + "/", Ct))
        {
            await container.DeleteBlobAsync(blob.Name, cancellationToken: Ct);
        }

        Assert.Null(await checkpoints.LatestAsync(id, Ct));
        Assert.Null(await _h.Store.GetAsync(id, Ct));

        var answer = await PeriodAsync($"?from={Today}&to={Today}");

        Assert.Equal(200, answer.Status);
        Assert.False((bool)answer.Body!["verified"]!);
        Assert.True((bool)answer.Body!["manifest"]!["sealed"]!);
        var release = Release(answer, id);
        Assert.NotNull(release);
        Assert.False((bool)release["verified"]!);
        Assert.Contains("manifest", (string?)release["problem"], StringComparison.Ordinal);
        Assert.Contains($"counts {head.Count} rows", (string?)release["problem"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Period_NewestManifestNotSealedWithTheKey_IsNotVerified()
    {
        var forged = AuditManifest.Seal(DateTimeOffset.UtcNow, [], AuditKeys.Single("forger", new byte[32]));
        var checkpoints = _h.Services.GetRequiredService<IAuditCheckpoints>();
        await checkpoints.RecordManifestAsync(forged, Ct);

        var answer = await PeriodAsync($"?from={Today}&to={Today}");
        // The class's other tests (and later runs of this one) read a sealed newest manifest again.
        await checkpoints.RecordManifestAsync(AuditManifest.Seal(DateTimeOffset.UtcNow.AddMilliseconds(1), [], _h.Services.GetRequiredService<AuditKeys>()), Ct);

        Assert.Equal(200, answer.Status);
        Assert.False((bool)answer.Body!["verified"]!);
        Assert.False((bool)answer.Body!["manifest"]!["sealed"]!);
    }

    [Theory]
    [InlineData("", "from")]
    [InlineData("?from=2026-01-01", "to")]
    [InlineData("?from=2026-13-01&to=2026-12-31", "from")]
    [InlineData("?from=2026-02-01&to=2026-01-31", "to")]
    [InlineData("?from=2025-01-01&to=2026-01-02", "to")]
    public async Task Period_BadDates_Is400NamingTheField(string query, string field)
    {
        var answer = await PeriodAsync(query);

        Assert.Equal(400, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Contains(field, answer.ErrorFields);
    }

    [Fact]
    public async Task Period_AsCsv_OneLinePerRowPrefixedWithTheReleaseAndItsVerdict()
    {
        var id = await _h.StartReleaseAsync();
        var context = new DefaultHttpContext { RequestServices = _h.Services };
        context.Request.Method = "GET";
        context.Request.QueryString = new QueryString($"?from={Today}&to={Today}&format=csv");
        using var body = new MemoryStream();
        context.Response.Body = body;

        await (await _h.Services.GetRequiredService<AuditHandlers>().GetPeriodAsync(context.Request, Ct)).ExecuteAsync(context);
        var lines = Encoding.UTF8.GetString(body.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.StartsWith("text/csv", context.Response.ContentType, StringComparison.Ordinal);
        Assert.Equal("releaseId,verified," + string.Join(',', AuditHandlers.CsvColumns), lines[0]);
        var mine = lines.Where(l => l.StartsWith(id + ",", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(mine);
        Assert.All(mine, l => Assert.StartsWith(id + ",true,", l, StringComparison.Ordinal));
        Assert.Contains(mine, l => l.Contains(",request,", StringComparison.Ordinal));
    }
}
