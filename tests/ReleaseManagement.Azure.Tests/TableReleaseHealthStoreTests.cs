using Azure.Data.Tables;
using ReleaseManagement.Azure.Metrics;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Tests;

/// <summary>Table <c>ReleaseHealth</c> on Azurite: each row keeps its verdict, and a row without one is refused loudly (never judged again from its values).</summary>
public sealed class TableReleaseHealthStoreTests : IAsyncDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 9, 30, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TableClient _table = new(Azurite.ConnectionString, Azurite.UniqueName("health"));

    public async ValueTask DisposeAsync() => await _table.DeleteAsync();

    [Fact]
    public async Task AddThenList_EachVerdict_IsStoredAndReadBack()
    {
        var store = new TableReleaseHealthStore(_table);
        await store.AddAsync(
        [
            new StoredHealth("r-1", T0, new SystemHealth("Billing", 0.1m, 200, 99.9m, 1, 0.1m, 210), false, null, [], HealthVerdict.Healthy),
            new StoredHealth("r-1", T0, new SystemHealth("Ledger", 5m, 200, 99.9m, 1, 0.1m, 210), false, null, ["error rate 5 % above 1.0 %"], HealthVerdict.Breached),
            new StoredHealth("r-1", T0, new SystemHealth("Payments", null, null, null, null, null, null), false, null, [], HealthVerdict.MissingData),
        ], Ct);

        var rows = await store.ListAsync("r-1", Ct);

        Assert.Equal(
            [("Billing", HealthVerdict.Healthy), ("Ledger", HealthVerdict.Breached), ("Payments", HealthVerdict.MissingData)],
            rows.Select(r => (r.Health.System, r.Verdict)));
        Assert.Equal(["error rate 5 % above 1.0 %"], rows[1].Breaches);
    }

    [Fact]
    public async Task List_RowWithoutVerdict_ThrowsNamingTheRow()
    {
        await _table.CreateIfNotExistsAsync(Ct);
        await _table.AddEntityAsync(new TableEntity("r-2", "20261127T093000Z|Ledger")
        {
            ["System"] = "Ledger", ["At"] = T0, ["ErrorRatePercent"] = 0.1, ["P95LatencyMilliseconds"] = 200, ["Partial"] = false, ["Breached"] = false, ["Breaches"] = string.Empty,
        }, Ct);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new TableReleaseHealthStore(_table).ListAsync("r-2", Ct));

        Assert.Contains("r-2/20261127T093000Z|Ledger", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_RowWithAnUnknownVerdict_Throws()
    {
        await _table.CreateIfNotExistsAsync(Ct);
        await _table.AddEntityAsync(new TableEntity("r-3", "20261127T093000Z|Billing")
        {
            ["System"] = "Billing", ["At"] = T0, ["Partial"] = false, ["Breaches"] = string.Empty, ["Verdict"] = "Fine",
        }, Ct);

        await Assert.ThrowsAsync<InvalidDataException>(() => new TableReleaseHealthStore(_table).ListAsync("r-3", Ct));
    }
}
