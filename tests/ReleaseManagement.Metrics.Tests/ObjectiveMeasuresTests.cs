using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReleaseManagement.Azure.Monitoring;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Metrics.Tests;

/// <summary>
/// Issue 27, point 2: a business objective's measure read from Log Analytics over its REST protocol (a local HTTPS fake):
/// the configured KQL with its placeholders filled, the value of its one row, and every way of having no value said.
/// </summary>
public sealed class ObjectiveMeasuresTests : IAsyncLifetime
{
    private static readonly DateTimeOffset From = new(2027, 3, 20, 12, 0, 0, TimeSpan.Zero);
    private FakeLogAnalytics _fake = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _fake = await FakeLogAnalytics.StartAsync();

    public ValueTask DisposeAsync() => _fake.DisposeAsync();

    private LogAnalyticsObjectiveMeasures Measures(string workspace = FakeLogAnalytics.Workspace) => new(_fake.Client(maxRetries: 0), Options.Create(new MonitoringOptions
    {
        WorkspaceId = workspace,
        Objectives = new(StringComparer.OrdinalIgnoreCase)
        {
            ["checkout-conversion"] = "AppEvents | where TimeGenerated >= {start} and TimeGenerated < {end} and AppRoleName in ({roles}) | summarize value = 100.0 * countif(Name == 'Paid') / countif(Name == 'Checkout')",
        },
        Systems = new(StringComparer.OrdinalIgnoreCase) { ["Billing"] = new() { RoleName = "billing-api" } },
    }), NullLogger<LogAnalyticsObjectiveMeasures>.Instance);

    private static ReleaseRequest Release => new("rel-obj", "Checkout", ReleaseType.Minor, ["Billing", "Ledger"], new DateOnly(2027, 3, 20));

    [Fact]
    public async Task MeasureAsync_ConfiguredQuery_FillsThePlaceholders_AndReadsTheValue()
    {
        _fake.Then((c, _) => FakeLogAnalytics.Json(c, 200, FakeLogAnalytics.Tables("PrimaryResult", [("value", "real")], [3.8123])));

        var measured = await Measures().MeasureAsync("checkout-conversion", Release, From, From.AddDays(7), Ct);

        Assert.Equal((3.8123m, (string?)null), (measured.Value, measured.Missing));
        var query = Assert.Single(_fake.Received).Query;
        Assert.Contains("TimeGenerated >= datetime(2027-03-20T12:00:00.0000000Z) and TimeGenerated < datetime(2027-03-27T12:00:00.0000000Z)", query, StringComparison.Ordinal);
        Assert.Contains("AppRoleName in (dynamic([\"billing-api\", \"Ledger\"]))", query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MeasureAsync_WorkspaceUnavailable_IsAnOutageToWaitOut_NotMissingData()
    {
        _fake.Then((c, _) => FakeLogAnalytics.Json(c, 503, new System.Text.Json.Nodes.JsonObject { ["error"] = new System.Text.Json.Nodes.JsonObject { ["code"] = "ServiceUnavailable", ["message"] = "down" } }));

        var measured = await Measures().MeasureAsync("checkout-conversion", Release, From, From.AddDays(7), Ct);

        Assert.Equal((null, true), (measured.Value, measured.Unavailable));
    }

    [Fact]
    public async Task MeasureAsync_NoRowNullValueFailureOrNoQuery_IsNoValueSayingWhy()
    {
        _fake.Then((c, _) => FakeLogAnalytics.Json(c, 200, FakeLogAnalytics.Tables("PrimaryResult", [("value", "real")])));
        _fake.Then((c, _) => FakeLogAnalytics.Json(c, 200, FakeLogAnalytics.Tables("PrimaryResult", [("value", "real")], [(object?)null])));
        _fake.Then((c, _) => FakeLogAnalytics.Json(c, 400, new System.Text.Json.Nodes.JsonObject { ["error"] = new System.Text.Json.Nodes.JsonObject { ["code"] = "BadArgumentError", ["message"] = "syntax" } }));

        var noRow = await Measures().MeasureAsync("checkout-conversion", Release, From, From.AddDays(7), Ct);
        var nullValue = await Measures().MeasureAsync("checkout-conversion", Release, From, From.AddDays(7), Ct);
        var failed = await Measures().MeasureAsync("checkout-conversion", Release, From, From.AddDays(7), Ct);
        var noQuery = await Measures().MeasureAsync("invoice-tickets", Release, From, From.AddDays(7), Ct);
        var noWorkspace = await Measures(workspace: "").MeasureAsync("checkout-conversion", Release, From, From.AddDays(7), Ct);

        Assert.All(new[] { noRow, nullValue, failed, noQuery, noWorkspace }, m => Assert.Null(m.Value));
        Assert.Equal("the query returned no value for the period", noRow.Missing);
        Assert.Equal("the query returned no value for the period", nullValue.Missing);
        Assert.Equal("the query failed (400 BadArgumentError)", failed.Missing);
        Assert.False(failed.Unavailable); // a refused query is missing data, not an outage
        Assert.Contains("Monitoring__Objectives__invoice-tickets", noQuery.Missing, StringComparison.Ordinal);
        Assert.Contains("not configured", noWorkspace.Missing, StringComparison.Ordinal);
        Assert.Equal(3, _fake.Received.Count);
    }
}
