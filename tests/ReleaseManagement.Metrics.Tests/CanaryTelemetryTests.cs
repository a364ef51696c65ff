using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Metrics;
using ReleaseManagement.Azure.Monitoring;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Metrics.Tests;

/// <summary>
/// The canary analysis's telemetry read from Log Analytics over its REST protocol (the local HTTPS fake): the query sent
/// (templates filled, split by the configured dimension), the table parsed into both sides, and every way of not having
/// data said: an outage as Unavailable, the rest as NoData.
/// </summary>
public sealed class CanaryTelemetryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2027, 3, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly CanaryQuery Query = new("rel-canary", "Billing", "Production", "2.4.0", "2.3.1", Start, Start.AddMinutes(15));
    private static readonly (string, string)[] Columns = [("Side", "string"), ("Metric", "string"), ("Value", "real")];
    private FakeLogAnalytics _fake = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _fake = await FakeLogAnalytics.StartAsync();

    public ValueTask DisposeAsync() => _fake.DisposeAsync();

    private LogAnalyticsCanaryTelemetry Telemetry(CanaryTelemetryOptions? canary = null, string workspace = FakeLogAnalytics.Workspace) => new(_fake.Client(maxRetries: 0), Options.Create(new MonitoringOptions
    {
        WorkspaceId = workspace,
        Systems = new(StringComparer.OrdinalIgnoreCase) { ["Billing"] = new() { RoleName = "billing-api" } },
        Canary = canary ?? new(),
    }), NullLogger<LogAnalyticsCanaryTelemetry>.Instance);

    private static object?[][] Rows(string side, double[] durations, long requests, long failures, long exceptions) =>
    [
        .. durations.Select(d => new object?[] { side, "durations", d }),
        [side, "requests", (double)requests],
        [side, "failures", (double)failures],
        [side, "exceptions", (double)exceptions],
    ];

    private static JsonNode Error(string code) => new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = "scripted" } };

    [Fact]
    public async Task ReadAsync_DefaultTemplates_SplitByAppVersionOverTheWindowAndSampleEachSide()
    {
        _fake.Then((c, _) => FakeLogAnalytics.Json(c, 200, FakeLogAnalytics.Tables("PrimaryResult", Columns, [.. Rows("canary", [120, 130], 2, 0, 1), .. Rows("baseline", [100], 1, 0, 0)])));

        await Telemetry().ReadAsync(Query, Ct);

        var received = Assert.Single(_fake.Received);
        var q = received.Query;
        Assert.Equal("2027-03-20T12:00:00.0000000Z/2027-03-20T12:15:00.0000000Z", received.Timespan);
        Assert.StartsWith("union\n", q, StringComparison.Ordinal);
        Assert.EndsWith("| project Side, Metric, Value", q, StringComparison.Ordinal);
        Assert.Contains("TimeGenerated >= datetime(2027-03-20T12:00:00.0000000Z) and TimeGenerated < datetime(2027-03-20T12:15:00.0000000Z) and AppRoleName == \"billing-api\" and tostring(AppVersion) == \"2.4.0\"", q, StringComparison.Ordinal);
        Assert.Contains("tostring(AppVersion) == \"2.3.1\"", q, StringComparison.Ordinal);
        Assert.Contains("| sample 5000 | project value = DurationMs", q, StringComparison.Ordinal);
        Assert.Contains("summarize value = countif(Success == false)", q, StringComparison.Ordinal);
        Assert.Contains("AppExceptions | where", q, StringComparison.Ordinal);
        Assert.Contains("isnotempty(UserId) | summarize value = count() by UserId | sample 5000 | project value", q, StringComparison.Ordinal);
        Assert.Equal(10, q.Split("| project Value = todouble(value) | extend Side = ", StringSplitOptions.None).Length - 1);
    }

    [Fact]
    public async Task ReadAsync_SlotDimensionSampleSizeAndOverride_AreUsed()
    {
        _fake.Then((c, _) => FakeLogAnalytics.Json(c, 200, FakeLogAnalytics.Tables("PrimaryResult", Columns)));
        var options = new CanaryTelemetryOptions
        {
            Dimension = "tostring(Properties[\"slot\"])",
            SampleSize = 800,
            Queries = new(StringComparer.OrdinalIgnoreCase) { ["exceptions"] = "AppTraces | where SeverityLevel >= 3 and Properties.env == {environment} and tostring({dimension}) == {label} | summarize value = count()" },
        };

        await Telemetry(options).ReadAsync(Query with { CanaryLabel = "green", BaselineLabel = "blue" }, Ct);

        var q = Assert.Single(_fake.Received).Query;
        Assert.Contains("tostring(tostring(Properties[\"slot\"])) == \"green\"", q, StringComparison.Ordinal);
        Assert.Contains("| sample 800 |", q, StringComparison.Ordinal);
        Assert.Contains("AppTraces | where SeverityLevel >= 3 and Properties.env == \"Production\" and tostring(tostring(Properties[\"slot\"])) == \"blue\"", q, StringComparison.Ordinal);
        Assert.DoesNotContain("AppExceptions", q, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_LabelWithQuotes_IsAStringLiteralNotKql()
    {
        _fake.Then((c, _) => FakeLogAnalytics.Json(c, 200, FakeLogAnalytics.Tables("PrimaryResult", Columns)));

        await Telemetry().ReadAsync(Query with { CanaryLabel = "2.4.0\" or true or \"" }, Ct);

        var q = Assert.Single(_fake.Received).Query;
        Assert.Contains("tostring(AppVersion) == \"2.4.0\\\" or true or \\\"\"", q, StringComparison.Ordinal);
        Assert.DoesNotContain("== \"2.4.0\" or true", q, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_NoBaselineLabel_TheBaselineIsEveryRequestTheCanaryDidNotServe()
    {
        _fake.Then((c, _) => FakeLogAnalytics.Json(c, 200, FakeLogAnalytics.Tables("PrimaryResult", Columns)));

        await Telemetry().ReadAsync(Query with { BaselineLabel = "" }, Ct);

        var q = Assert.Single(_fake.Received).Query;
        Assert.Equal(5, q.Split("tostring(AppVersion) != \"2.4.0\"", StringSplitOptions.None).Length - 1);
        Assert.Equal(5, q.Split("tostring(AppVersion) == \"2.4.0\"", StringSplitOptions.None).Length - 1);
        Assert.DoesNotContain("== \"\"", q, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_Table_IsParsedIntoBothSides()
    {
        _fake.Then((c, _) => FakeLogAnalytics.Json(c, 200, FakeLogAnalytics.Tables("PrimaryResult", Columns,
            [.. Rows("canary", [120.5, 130, 150], 1200, 30, 7), .. Rows("baseline", [100, 110], 5400, 27, 4), ["canary", "durations", null],
             ["canary", "userActions", 3], ["canary", "userActions", 5], ["baseline", "userActions", 4]])));

        var reading = await Telemetry().ReadAsync(Query, Ct);

        Assert.Equal(CanaryReadingStatus.Complete, reading.Status);
        Assert.Equal([120.5, 130, 150], reading.Canary!.DurationsMs);
        Assert.Equal((1200L, 30L, 7L), (reading.Canary.Requests, reading.Canary.Failures, reading.Canary.Exceptions));
        Assert.Equal([100d, 110], reading.Baseline!.DurationsMs);
        Assert.Equal((5400L, 27L, 4L), (reading.Baseline.Requests, reading.Baseline.Failures, reading.Baseline.Exceptions));
        Assert.Equal([3d, 5], reading.Canary.UserActions!);
        Assert.Equal([4d], reading.Baseline.UserActions!);
        Assert.Contains("3 canary and 2 baseline", reading.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_ServiceAnswers503_IsUnavailable()
    {
        _fake.Then((c, _) => FakeLogAnalytics.Json(c, 503, Error("ServiceUnavailable")));

        var reading = await Telemetry().ReadAsync(Query, Ct);

        Assert.Equal((CanaryReadingStatus.Unavailable, null, null), (reading.Status, reading.Baseline, reading.Canary));
        Assert.Contains("503", reading.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_QueryRefused_IsNoDataNotAnOutage()
    {
        _fake.Then((c, _) => FakeLogAnalytics.Json(c, 400, Error("BadArgumentError")));

        var reading = await Telemetry().ReadAsync(Query, Ct);

        Assert.Equal(CanaryReadingStatus.NoData, reading.Status);
        Assert.StartsWith("The canary query failed (400 BadArgumentError)", reading.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_NoRequestOnTheCanary_IsNoDataNamingTheSide()
    {
        _fake.Then((c, _) => FakeLogAnalytics.Json(c, 200, FakeLogAnalytics.Tables("PrimaryResult", Columns, [.. Rows("canary", [], 0, 0, 0), .. Rows("baseline", [100], 900, 1, 0)])));

        var reading = await Telemetry().ReadAsync(Query, Ct);

        Assert.Equal((CanaryReadingStatus.NoData, "No request of the canary (2.4.0) in the window."), (reading.Status, reading.Detail));
    }

    [Fact]
    public async Task ReadAsync_NotConfigured_IsNoDataWithoutAQuery()
    {
        var reading = await Telemetry(workspace: "").ReadAsync(Query, Ct);

        Assert.Equal(CanaryReadingStatus.NoData, reading.Status);
        Assert.Contains("not configured", reading.Detail, StringComparison.Ordinal);
        Assert.Empty(_fake.Received);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddMetrics(configuration).BuildServiceProvider();
    }

    [Fact]
    public void AddMetrics_CanarySettings_AreBoundAndThePortIsTheLogAnalyticsAdapter()
    {
        using var services = Services(new() { ["Monitoring:Canary:Dimension"] = "tostring(Properties[\"slot\"])", ["Monitoring:Canary:SampleSize"] = "2000", ["Monitoring:Canary:Queries:durations"] = "AppRequests | take 1" });

        var canary = services.GetRequiredService<IOptions<MonitoringOptions>>().Value.Canary;

        Assert.Equal(("tostring(Properties[\"slot\"])", 2000, "AppRequests | take 1"), (canary.Dimension, canary.SampleSize, canary.Queries["durations"]));
        Assert.IsType<LogAnalyticsCanaryTelemetry>(services.GetRequiredService<ICanaryTelemetry>());
    }

    [Theory]
    [InlineData("Monitoring:Canary:Dimension", " ", "Monitoring:Canary:Dimension")]
    [InlineData("Monitoring:Canary:SampleSize", "10", "Monitoring:Canary:SampleSize")]
    [InlineData("Monitoring:Canary:SampleSize", "100001", "Monitoring:Canary:SampleSize")]
    [InlineData("Monitoring:Canary:Queries:latency", "AppRequests", "durations, requests, failures, exceptions")]
    public void AddMetrics_WrongCanarySetting_FailsNamingIt(string key, string value, string said)
    {
        using var services = Services(new() { [key] = value });

        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<MonitoringOptions>>().Value);

        Assert.Contains(said, e.Message, StringComparison.Ordinal);
    }
}
