using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Azure.Monitoring;
using ReleaseManagement.Ports;
using static ReleaseManagement.Metrics.Tests.Facts;

namespace ReleaseManagement.Metrics.Tests;

/// <summary>The Log Analytics client and the health monitor against a local server speaking the REST protocol.</summary>
public sealed class LogAnalyticsClientTests : IAsyncLifetime
{
    private FakeLogAnalytics _server = null!;

    private static readonly QueryTimeRange Day = new(T(11, 3), T(11, 4));

    public async ValueTask InitializeAsync() => _server = await FakeLogAnalytics.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static readonly (string, string)[] Columns =
    [
        ("Name", "string"), ("At", "datetime"), ("Count", "long"), ("Rate", "real"), ("Ok", "bool"), ("Took", "timespan"), ("Props", "dynamic"), ("Small", "int"),
    ];

    [Fact]
    public async Task Query_Success_SendsTheProtocolAndParsesTypedRows()
    {
        var credential = new StaticToken(FakeLogAnalytics.Token);
        _server.Then((c, _) => FakeLogAnalytics.Json(c, 200, FakeLogAnalytics.Tables("PrimaryResult", Columns,
            ["billing", "2026-11-03T10:15:00Z", 42L, 0.25, true, "00:01:30", "{\"a\":1}", 7],
            ["forecasting", null, null, "NaN", false, null, null, null])));

        var response = await _server.Client(credential: credential).QueryWorkspaceAsync(
            FakeLogAnalytics.Workspace, "AppRequests | take 2", Day, new LogsQueryOptions { ServerTimeout = TimeSpan.FromMinutes(4) }, TestContext.Current.CancellationToken);

        var sent = Assert.Single(_server.Received);
        Assert.Equal($"/v1/workspaces/{FakeLogAnalytics.Workspace}/query", sent.Path);
        Assert.Equal("wait=240", sent.Prefer);
        Assert.Equal("AppRequests | take 2", sent.Query);
        Assert.Equal("2026-11-03T00:00:00.0000000Z/2026-11-04T00:00:00.0000000Z", sent.Timespan);
        Assert.Equal([LogAnalyticsQueryClient.DefaultScope], credential.Scopes.Distinct());

        var result = response.Value;
        Assert.Equal(LogsQueryResultStatus.Success, result.Status);
        Assert.Equal("PrimaryResult", result.Table.Name);
        Assert.Equal(["Name", "At", "Count", "Rate", "Ok", "Took", "Props", "Small"], result.Table.Columns.Select(c => c.Name));
        var row = result.Table.Rows[0];
        Assert.Equal("billing", row.GetString("Name"));
        Assert.Equal(T(11, 3, 10, 15), row.GetDateTimeOffset("At"));
        Assert.Equal(42L, row.GetInt64("Count"));
        Assert.Equal(0.25, row.GetDouble("Rate"));
        Assert.True(row.GetBoolean("Ok"));
        Assert.Equal(TimeSpan.FromSeconds(90), row.GetTimeSpan("Took"));
        Assert.Equal("{\"a\":1}", row.GetDynamic("Props")!.ToString());
        Assert.Equal(7, row.GetInt32("Small"));
        var nulls = result.Table.Rows[1];
        Assert.Null(nulls.GetDateTimeOffset("At"));
        Assert.Null(nulls.GetInt64("Count"));
        Assert.True(double.IsNaN(nulls.GetDouble("Rate")!.Value));
        Assert.Throws<ArgumentException>(() => row.GetString("Missing"));
    }

    private static JsonObject PartialBody()
    {
        var body = FakeLogAnalytics.Tables("PrimaryResult", [("n", "long")], [1L]);
        body["error"] = new JsonObject
        {
            ["code"] = "PartialError",
            ["message"] = "There were some errors when processing your query.",
            ["details"] = new JsonArray(new JsonObject { ["code"] = "EngineError", ["message"] = "Query result set has exceeded the internal data size limit." }),
        };
        return body;
    }

    [Fact]
    public async Task Query_PartialError_AllowedIsAPartialResult()
    {
        _server.Then((c, _) => FakeLogAnalytics.Json(c, 200, PartialBody()));

        var result = (await _server.Client().QueryWorkspaceAsync(FakeLogAnalytics.Workspace, "q", Day, new LogsQueryOptions { AllowPartialErrors = true }, TestContext.Current.CancellationToken)).Value;

        Assert.Equal(LogsQueryResultStatus.PartialFailure, result.Status);
        Assert.Equal("PartialError", result.Error!.Code);
        Assert.Contains("exceeded the internal data size limit", result.Error.Message);
        Assert.Equal(1L, result.Table.Rows[0].GetInt64(0));
    }

    [Fact]
    public async Task Query_PartialError_NotAllowedThrowsWithTheServiceCode()
    {
        _server.Then((c, _) => FakeLogAnalytics.Json(c, 200, PartialBody()));

        var e = await Assert.ThrowsAsync<RequestFailedException>(() =>
            _server.Client().QueryWorkspaceAsync(FakeLogAnalytics.Workspace, "q", Day, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("PartialError", e.ErrorCode);
    }

    [Fact]
    public async Task Query_429WithRetryAfter_WaitsThatLongThenSucceeds()
    {
        _server.Then((c, _) => FakeLogAnalytics.Json(c, 429, new JsonObject { ["error"] = new JsonObject { ["code"] = "ThrottledError", ["message"] = "slow down" } },
            new Dictionary<string, string> { ["Retry-After"] = "1" }));
        _server.Then((c, _) => FakeLogAnalytics.Json(c, 200, FakeLogAnalytics.Tables("PrimaryResult", [("n", "long")], [5L])));
        var clock = new TimerRecordingTimeProvider();

        var query = _server.Client(time: clock).QueryWorkspaceAsync(FakeLogAnalytics.Workspace, "q", Day, cancellationToken: TestContext.Current.CancellationToken);
        var wait = await clock.FirstTimer.WaitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(TimeSpan.FromSeconds(1), wait); // Retry-After, not the client's own 20 ms delay
        Assert.Single(_server.Received);
        clock.Advance(wait);
        var result = (await query).Value;

        Assert.Equal(2, _server.Received.Count);
        Assert.Equal(5L, result.Table.Rows[0].GetInt64(0));
        Assert.Equal(LogsQueryResultStatus.Success, result.Status);
    }

    [Fact]
    public async Task Query_504_RetriesOverTheLaterHalfAndSaysSo()
    {
        _server.Then((c, _) => FakeLogAnalytics.Json(c, 504, new JsonObject { ["error"] = new JsonObject { ["code"] = "GatewayTimeout", ["message"] = "timed out" } }));
        _server.Then((c, _) => FakeLogAnalytics.Json(c, 200, FakeLogAnalytics.Tables("PrimaryResult", [("n", "long")], [9L])));

        var result = (await _server.Client().QueryWorkspaceAsync(FakeLogAnalytics.Workspace, "q", Day, new LogsQueryOptions { AllowPartialErrors = true }, TestContext.Current.CancellationToken)).Value;

        var sent = _server.Received.ToArray();
        Assert.Equal("2026-11-03T00:00:00.0000000Z/2026-11-04T00:00:00.0000000Z", sent[0].Timespan);
        Assert.Equal("2026-11-03T12:00:00.0000000Z/2026-11-04T00:00:00.0000000Z", sent[1].Timespan);
        Assert.True(result.TimeRangeNarrowed);
        Assert.Equal(new QueryTimeRange(T(11, 3, 12), T(11, 4)), result.TimeRange);
        Assert.Equal(LogsQueryResultStatus.PartialFailure, result.Status);
        Assert.Equal("TimeRangeNarrowed", result.Error!.Code);
    }

    [Fact]
    public async Task Query_503Always_GivesUpAfterTheRetriesWith503()
    {
        _server.Fallback = (c, _) => FakeLogAnalytics.Json(c, 503, new JsonObject { ["error"] = new JsonObject { ["code"] = "ServiceUnavailable", ["message"] = "try later" } });

        var e = await Assert.ThrowsAsync<RequestFailedException>(() =>
            _server.Client(maxRetries: 2).QueryWorkspaceAsync(FakeLogAnalytics.Workspace, "q", Day, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(503, e.Status);
        Assert.Equal("ServiceUnavailable", e.ErrorCode);
        Assert.Equal(3, _server.Received.Count);
    }

    [Theory]
    [InlineData("{\"tables\": [ {\"name\": \"PrimaryResult\", \"columns\": [")]
    [InlineData("<html>gateway</html>")]
    [InlineData("{\"tables\": [{\"name\": \"t\", \"columns\": [{\"name\": \"a\", \"type\": \"long\"}], \"rows\": [[1, 2]]}]}")]
    [InlineData("{\"value\": 1}")]
    public async Task Query_MalformedBody_ThrowsMalformedResponse(string body)
    {
        _server.Then((c, _) => FakeLogAnalytics.Raw(c, 200, body));

        var e = await Assert.ThrowsAsync<RequestFailedException>(() =>
            _server.Client().QueryWorkspaceAsync(FakeLogAnalytics.Workspace, "q", Day, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("MalformedResponse", e.ErrorCode);
    }

    [Fact]
    public async Task Query_TokenRefused_Is401WithoutRetrying()
    {
        var e = await Assert.ThrowsAsync<RequestFailedException>(() =>
            _server.Client(credential: new StaticToken("not-the-token")).QueryWorkspaceAsync(FakeLogAnalytics.Workspace, "q", Day, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(401, e.Status);
        Assert.Equal("AuthorizationRequiredError", e.ErrorCode);
        Assert.Single(_server.Received);
    }

    [Fact]
    public async Task Query_CredentialFails_NothingIsSent()
    {
        await Assert.ThrowsAsync<AuthenticationFailedException>(() =>
            _server.Client(credential: new FailingCredential()).QueryWorkspaceAsync(FakeLogAnalytics.Workspace, "q", Day, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Empty(_server.Received);
    }

    [Fact]
    public async Task Query_ServerTimeoutOverTenMinutes_IsRefusedBeforeSending()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            _server.Client().QueryWorkspaceAsync(FakeLogAnalytics.Workspace, "q", Day, new LogsQueryOptions { ServerTimeout = TimeSpan.FromMinutes(11) }, TestContext.Current.CancellationToken));

        Assert.Empty(_server.Received);
    }

    private static readonly (string, string)[] HealthColumns = [("ReleaseId", "string"), ("System", "string"), ("Metric", "string"), ("Window", "string"), ("Value", "real")];

    private LogAnalyticsHealthMonitor Monitor(MonitoringOptions? options = null) => new(
        _server.Client(),
        Options.Create(options ?? new MonitoringOptions { WorkspaceId = FakeLogAnalytics.Workspace }),
        new Microsoft.Extensions.Time.Testing.FakeTimeProvider(T(11, 3, 12)),
        NullLogger<LogAnalyticsHealthMonitor>.Instance);

    [Fact]
    public async Task HealthMonitor_TwoReleases_OneBatchedQuerySummarisedByReleaseAndSystem()
    {
        _server.Then((c, _) => FakeLogAnalytics.Json(c, 200, FakeLogAnalytics.Tables("PrimaryResult", HealthColumns,
            ["r1", "Billing", "errorRate", "release", 2.5],
            ["r1", "Billing", "errorRate", "baseline", 0.5],
            ["r1", "Billing", "p95DurationMs", "release", 812.4],
            ["r1", "Billing", "p95DurationMs", "baseline", 640.0],
            ["r1", "Billing", "availability", "release", 99.9],
            ["r1", "Billing", "exceptionCount", "release", 12.0],
            ["r2", "Forecasting", "errorRate", "release", 0.1])));
        var options = new MonitoringOptions { WorkspaceId = FakeLogAnalytics.Workspace };
        options.Systems["Forecasting"] = new MonitoredSystemOptions { RoleName = "forecast-api", Queries = { ["exceptionCount"] = "MyExceptions | where T between ({start} .. {end}) and Role == {role} | summarize value = todouble(count())" } };
        HealthQuery[] queries =
        [
            new("r1", ["Billing"], T(11, 3, 10), T(11, 3, 12), T(11, 3, 8), T(11, 3, 10)),
            new("r2", ["Forecasting"], T(11, 3, 11), T(11, 3, 12), T(11, 3, 10), T(11, 3, 11)),
        ];

        var readings = await Monitor(options).QueryManyAsync(queries, TestContext.Current.CancellationToken);

        var sent = Assert.Single(_server.Received);
        Assert.Equal("2026-11-03T08:00:00.0000000Z/2026-11-03T12:00:00.0000000Z", sent.Timespan);
        Assert.Contains("ReleaseId = \"r1\"", sent.Query);
        Assert.Contains("ReleaseId = \"r2\"", sent.Query);
        Assert.Contains("AppRoleName == \"Billing\"", sent.Query);
        Assert.Contains("MyExceptions | where T between (datetime(2026-11-03T11:00:00.0000000Z) .. datetime(2026-11-03T12:00:00.0000000Z)) and Role == \"forecast-api\"", sent.Query);
        Assert.EndsWith("| summarize Value = take_any(value) by ReleaseId, System, Metric, Window", sent.Query);

        Assert.Equal(["r1", "r2"], readings.Select(r => r.ReleaseId));
        Assert.Equal(new SystemHealth("Billing", 2.5m, 812, 99.9m, 12, 0.5m, 640, null, null), Assert.Single(readings[0].Systems));
        Assert.Equal(0.1m, readings[1].Systems[0].ErrorRatePercent);
        Assert.Null(readings[1].Systems[0].P95LatencyMilliseconds);
        Assert.False(readings[0].Partial);
        Assert.Equal(T(11, 3, 12), readings[0].At);
    }

    [Fact]
    public async Task HealthMonitor_ServiceFails_ReadingCarriesTheErrorInsteadOfThrowing()
    {
        _server.Fallback = (c, _) => FakeLogAnalytics.Json(c, 400, new JsonObject { ["error"] = new JsonObject { ["code"] = "BadArgumentError", ["message"] = "Syntax error" } });

        var reading = await Monitor().QueryAsync(new HealthQuery("r1", ["Billing"], T(11, 3, 10), T(11, 3, 12), T(11, 3, 8), T(11, 3, 10)), TestContext.Current.CancellationToken);

        Assert.True(reading.Partial);
        Assert.Contains("BadArgumentError", reading.Error);
        Assert.Null(reading.Systems[0].ErrorRatePercent);
    }

    [Theory]
    [InlineData(503, "ServiceUnavailable")]
    [InlineData(429, "ThrottledError")]
    public async Task HealthMonitor_ServiceUnavailable_OneReadingThrowsSoTheValidationWaitsButTheMonitorsBatchCarriesTheError(int status, string code)
    {
        // A reading emptied by an outage is not missing data to judge: the validation's single reading throws (its
        // activity fails and the lifecycle waits the outage out); the post-release monitor's batch stores it as missing.
        _server.Fallback = (c, _) => FakeLogAnalytics.Json(c, status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = "try later" } });
        var query = new HealthQuery("r1", ["Billing"], T(11, 3, 10), T(11, 3, 12), T(11, 3, 8), T(11, 3, 10));
        var monitor = new LogAnalyticsHealthMonitor(
            _server.Client(maxRetries: 1), Options.Create(new MonitoringOptions { WorkspaceId = FakeLogAnalytics.Workspace }),
            new Microsoft.Extensions.Time.Testing.FakeTimeProvider(T(11, 3, 12)), NullLogger<LogAnalyticsHealthMonitor>.Instance);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => monitor.QueryAsync(query, TestContext.Current.CancellationToken));
        var batch = await monitor.QueryManyAsync([query], TestContext.Current.CancellationToken);

        Assert.StartsWith($"The health source is unavailable ({status} {code})", e.Message, StringComparison.Ordinal);
        Assert.Contains(code, Assert.Single(batch).Error);
        Assert.True(batch[0].Partial);
    }

    [Fact]
    public async Task HealthMonitor_NotConfigured_SaysSoWithoutQuerying()
    {
        var reading = await Monitor(new MonitoringOptions()).QueryAsync(new HealthQuery("r1", ["Billing"], T(11, 3, 10), T(11, 3, 12), T(11, 3, 8), T(11, 3, 10)), TestContext.Current.CancellationToken);

        Assert.True(reading.Partial);
        Assert.Contains("not configured", reading.Error);
        Assert.Empty(_server.Received);
    }

    [Fact]
    public void Templates_LiteralsAreEscaped()
    {
        Assert.Equal("\"a\\\"b\\\\c\"", HealthQueryTemplates.Literal("a\"b\\c"));
    }

    private sealed class FailingCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new AuthenticationFailedException("No identity available.");

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new AuthenticationFailedException("No identity available.");
    }
}

/// <summary>A fake clock that tells the due time of the first timer started on it (a retry's wait).</summary>
internal sealed class TimerRecordingTimeProvider() : Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
{
    private readonly TaskCompletionSource<TimeSpan> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TimeSpan> FirstTimer => _first.Task;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _first.TrySetResult(dueTime);
        return timer;
    }
}
