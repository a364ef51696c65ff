using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ReleaseManagement.Azure.Monitoring;

/// <summary>Options of <see cref="LogAnalyticsQueryClient"/>: Azure.Core client options plus the client's own retries.</summary>
public sealed class LogAnalyticsQueryClientOptions : ClientOptions
{
    public LogAnalyticsQueryClientOptions()
    {
        // The client retries itself (it must narrow the time range on timeouts, which a pipeline retry cannot).
        Retry.MaxRetries = 0;
    }

    /// <summary>The token audience. Default <c>https://api.loganalytics.io/.default</c>.</summary>
    public string Scope { get; set; } = LogAnalyticsQueryClient.DefaultScope;

    /// <summary>Retries after a 429, 503 or 504 (each waits Retry-After when given, else <see cref="RetryDelay"/> doubling).</summary>
    public int MaxRetries { get; set; } = 3;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between attempts, whatever Retry-After says.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

/// <summary>
/// Queries a Log Analytics workspace over its REST API (<c>POST /v1/workspaces/{id}/query</c>) on Azure.Core's HTTP
/// pipeline with a bearer token. Shaped like <c>Azure.Monitor.Query.LogsQueryClient.QueryWorkspaceAsync</c>.
/// </summary>
public class LogAnalyticsQueryClient
{
    public const string DefaultScope = "https://api.loganalytics.io/.default";
    public static readonly Uri DefaultEndpoint = new("https://api.loganalytics.io");

    /// <summary>The service's longest server timeout.</summary>
    public static readonly TimeSpan MaxServerTimeout = TimeSpan.FromMinutes(10);

    public static readonly TimeSpan DefaultServerTimeout = TimeSpan.FromMinutes(3);

    private static readonly TimeSpan NetworkAllowance = TimeSpan.FromSeconds(30);

    private readonly Uri _endpoint;
    private readonly HttpPipeline _pipeline;
    private readonly LogAnalyticsQueryClientOptions _options;

    public LogAnalyticsQueryClient(TokenCredential credential)
        : this(DefaultEndpoint, credential, new LogAnalyticsQueryClientOptions())
    {
    }

    public LogAnalyticsQueryClient(Uri endpoint, TokenCredential credential, LogAnalyticsQueryClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(credential);
        _endpoint = endpoint;
        _options = options ?? new LogAnalyticsQueryClientOptions();
        _pipeline = HttpPipelineBuilder.Build(
            _options,
            perCallPolicies: [],
            perRetryPolicies: [new BearerTokenAuthenticationPolicy(credential, _options.Scope)],
            new ResponseClassifier());
    }

    /// <summary>For mocking.</summary>
    protected LogAnalyticsQueryClient()
    {
        _endpoint = DefaultEndpoint;
        _options = new LogAnalyticsQueryClientOptions();
        _pipeline = HttpPipelineBuilder.Build(_options);
    }

    /// <summary>
    /// Runs <paramref name="query"/> over <paramref name="timeRange"/>. 429, 503 and 504 answers are retried (Retry-After
    /// honoured); a 504 narrows the range to its later half first. A partial answer (the service's <c>PartialError</c>, or a
    /// narrowed range) throws unless <see cref="LogsQueryOptions.AllowPartialErrors"/>; other errors throw
    /// <see cref="RequestFailedException"/> with the service's status and error code, as does a body that is not the
    /// service's JSON.
    /// </summary>
    public virtual async Task<Response<LogsQueryResult>> QueryWorkspaceAsync(
        string workspaceId, string query, QueryTimeRange timeRange, LogsQueryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workspaceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        if (timeRange.End <= timeRange.Start)
        {
            throw new ArgumentException("The time range must end after it starts.", nameof(timeRange));
        }

        options ??= new LogsQueryOptions();
        var serverTimeout = options.ServerTimeout ?? DefaultServerTimeout;
        if (serverTimeout <= TimeSpan.Zero || serverTimeout > MaxServerTimeout)
        {
            throw new ArgumentOutOfRangeException(nameof(options), serverTimeout, "The server timeout must be more than 0 and at most 10 minutes.");
        }

        var range = timeRange;
        var narrowed = false;
        for (var attempt = 0; ; attempt++)
        {
            using var message = CreateMessage(workspaceId, query, range, serverTimeout);
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
            var response = message.Response;

            if (response.Status is 429 or 503 or 504 && attempt < _options.MaxRetries)
            {
                var delay = RetryDelay(response, attempt);
                if (response.Status == 504 && options.NarrowTimeRangeOnTimeout && range.Duration > TimeSpan.FromMinutes(2))
                {
                    range = new QueryTimeRange(range.End - (range.Duration / 2), range.End);
                    narrowed = true;
                }

                await Task.Delay(delay, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (response.Status != 200)
            {
                throw new RequestFailedException(response);
            }

            var (tables, error) = Parse(response);
            if (narrowed && error is null)
            {
                error = new ResponseError("TimeRangeNarrowed", $"The query timed out; the answer covers only {range} of the {timeRange} asked for.");
            }

            if (error is not null && !options.AllowPartialErrors)
            {
                throw new RequestFailedException(200, $"The query answered only in part ({error.Code}): {error.Message}", error.Code, null);
            }

            return Response.FromValue(new LogsQueryResult(tables, error, range, narrowed), response);
        }
    }

    private HttpMessage CreateMessage(string workspaceId, string query, QueryTimeRange range, TimeSpan serverTimeout)
    {
        var message = _pipeline.CreateMessage();
        // The pipeline's network timeout must outlast the server's own.
        message.NetworkTimeout = serverTimeout + NetworkAllowance;
        var request = message.Request;
        request.Method = RequestMethod.Post;
        var uri = new RequestUriBuilder();
        uri.Reset(_endpoint);
        uri.AppendPath("/v1/workspaces/", escape: false);
        uri.AppendPath(workspaceId, escape: true);
        uri.AppendPath("/query", escape: false);
        request.Uri = uri;
        request.Headers.Add(HttpHeader.Names.Accept, "application/json");
        request.Headers.Add(HttpHeader.Names.ContentType, "application/json");
        request.Headers.Add("Prefer", "wait=" + ((int)Math.Ceiling(serverTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["query"] = query, ["timespan"] = range.ToIsoString() });
        request.Content = RequestContent.Create(body);
        return message;
    }

    private TimeSpan RetryDelay(Response response, int attempt)
    {
        TimeSpan? given = null;
        if (response.Headers.TryGetValue("retry-after-ms", out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var msValue))
        {
            given = TimeSpan.FromMilliseconds(msValue);
        }
        else if (response.Headers.TryGetValue("Retry-After", out var retryAfter))
        {
            if (int.TryParse(retryAfter, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
            {
                given = TimeSpan.FromSeconds(Math.Max(0, seconds));
            }
            else if (DateTimeOffset.TryParse(retryAfter, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                var wait = at - _options.TimeProvider.GetUtcNow();
                given = wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        var delay = given ?? TimeSpan.FromTicks(_options.RetryDelay.Ticks * (1L << Math.Min(attempt, 16)));
        return delay > _options.MaxRetryDelay ? _options.MaxRetryDelay : delay;
    }

    private static (IReadOnlyList<LogsTable> Tables, ResponseError? Error) Parse(Response response)
    {
        try
        {
            using var document = JsonDocument.Parse(response.Content.ToMemory());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("tables", out var tablesElement) || tablesElement.ValueKind != JsonValueKind.Array)
            {
                throw new JsonException("The body has no \"tables\" array.");
            }

            var tables = new List<LogsTable>();
            foreach (var t in tablesElement.EnumerateArray())
            {
                var columns = t.GetProperty("columns").EnumerateArray()
                    .Select(c => new LogsTableColumn(
                        c.GetProperty("name").GetString() ?? throw new JsonException("A column has no name."),
                        c.TryGetProperty("type", out var type) ? type.GetString() ?? "string" : "string"))
                    .ToList();
                var rows = t.GetProperty("rows").EnumerateArray()
                    .Select(r =>
                    {
                        var cells = r.EnumerateArray().Select(v => v.Clone()).ToArray();
                        return cells.Length == columns.Count ? cells : throw new JsonException($"A row has {cells.Length} values for {columns.Count} columns.");
                    })
                    .ToList();
                tables.Add(new LogsTable(t.TryGetProperty("name", out var name) ? name.GetString() ?? string.Empty : string.Empty, columns, rows));
            }

            ResponseError? error = null;
            if (root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object)
            {
                error = new ResponseError(
                    e.TryGetProperty("code", out var code) ? code.GetString() : "PartialError",
                    ErrorMessage(e));
            }

            return (tables, error);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new RequestFailedException(response.Status, $"The Log Analytics answer is not the service's JSON: {e.Message}", "MalformedResponse", e);
        }
    }

    /// <summary>The error message with its details' messages (the service puts the useful part there).</summary>
    private static string ErrorMessage(JsonElement error)
    {
        var parts = new List<string>();
        if (error.TryGetProperty("message", out var m) && m.GetString() is { Length: > 0 } message)
        {
            parts.Add(message);
        }

        if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
        {
            parts.AddRange(details.EnumerateArray()
                .Select(d => d.TryGetProperty("message", out var dm) ? dm.GetString() : null)
                .OfType<string>());
        }

        if (error.TryGetProperty("innererror", out var inner) && inner.ValueKind == JsonValueKind.Object)
        {
            parts.Add(ErrorMessage(inner));
        }

        return string.Join(" ", parts.Where(p => p.Length > 0));
    }
}
