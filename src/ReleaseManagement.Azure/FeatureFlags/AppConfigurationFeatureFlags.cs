using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.FeatureFlags;

/// <summary>Options of <see cref="AppConfigurationFeatureFlags"/>: Azure.Core client options plus the store's label.</summary>
public sealed class AppConfigurationFeatureFlagsOptions : ClientOptions
{
    /// <summary>The label of the flags' key-values; null or empty: the null label.</summary>
    public string? Label { get; set; }

    /// <summary>Writes tried when another writer changed the flag in between (412 on <c>If-Match</c>).</summary>
    public int MaxWriteAttempts { get; set; } = 3;
}

/// <summary>
/// <see cref="IFeatureFlags"/> on Azure App Configuration feature flags, over the store's data-plane REST API
/// (<c>GET</c>/<c>PUT /kv/{key}</c>) on Azure.Core's HTTP pipeline with a bearer token for <c>{endpoint}/.default</c>. A flag
/// is the key-value <c>.appconfig.featureflag/{name}</c> whose value is the feature flag JSON (<c>id</c>, <c>enabled</c>,
/// <c>conditions.client_filters</c>): between 0 and 100 % the <c>Microsoft.Targeting</c> filter carries the percentage
/// (<c>parameters.Audience.DefaultRolloutPercentage</c>); at 100 % there is no targeting filter. What this adapter does not
/// own is kept: the description, other filters, the targeting filter's users, groups and exclusions, the tags. Each change
/// reads the flag first and writes only when its state differs, conditionally: <c>If-Match</c> on the read ETag (another
/// writer in between: read and try again), <c>If-None-Match: *</c> to create it. No answer, 408, 429 or 5xx after the
/// pipeline's retries throws <see cref="InvalidOperationException"/> ("The feature flag store is unavailable"); another
/// refusal (401, 403, 400) throws <see cref="RequestFailedException"/>.
/// </summary>
public sealed partial class AppConfigurationFeatureFlags : IFeatureFlags
{
    /// <summary>
    /// The data-plane API version the requests name: the newest GA one the service's SDKs list (.NET
    /// <c>ConfigurationClientOptions.ServiceVersion.V2026_04_01</c>, JavaScript <c>KnownAppConfigurationApiVersion</c>).
    /// The key-value operations used here (GET and PUT <c>/kv/{key}</c> with ETags) are the same in every GA version since 1.0.
    /// </summary>
    public const string ApiVersion = "2026-04-01";

    public const string KeyPrefix = ".appconfig.featureflag/";
    public const string FeatureFlagContentType = "application/vnd.microsoft.appconfig.ff+json;charset=utf-8";
    public const string KeyValueMediaType = "application/vnd.microsoft.appconfig.kv+json";
    public const string TargetingFilter = "Microsoft.Targeting";

    private readonly Uri _endpoint;
    private readonly HttpPipeline _pipeline;
    private readonly AppConfigurationFeatureFlagsOptions _options;
    private readonly ILogger _log;

    public AppConfigurationFeatureFlags(Uri endpoint, TokenCredential credential, AppConfigurationFeatureFlagsOptions? options = null, ILogger<AppConfigurationFeatureFlags>? log = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(credential);
        _endpoint = endpoint;
        _options = options ?? new AppConfigurationFeatureFlagsOptions();
        _log = log ?? NullLogger<AppConfigurationFeatureFlags>.Instance;
        _pipeline = HttpPipelineBuilder.Build(
            _options,
            perCallPolicies: [],
            perRetryPolicies: [new BearerTokenAuthenticationPolicy(credential, Scope(endpoint))],
            new ResponseClassifier());
    }

    /// <summary>The adapter of the settings: the app's managed identity (or the default credential chain).</summary>
    public static AppConfigurationFeatureFlags Create(FeatureFlagsOptions options, ILogger<AppConfigurationFeatureFlags> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = string.IsNullOrWhiteSpace(options.ClientId) ? null : options.ClientId,
        });
        var clientOptions = new AppConfigurationFeatureFlagsOptions { Label = options.Label };
        clientOptions.Retry.NetworkTimeout = options.Timeout;
        return new AppConfigurationFeatureFlags(new Uri(options.Endpoint), credential, clientOptions, log);
    }

    /// <summary>The token audience of a store: its endpoint's origin with <c>/.default</c>.</summary>
    public static string Scope(Uri endpoint) => endpoint.GetLeftPart(UriPartial.Authority) + "/.default";

    public async Task SetAsync(FeatureFlagChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Enabled && change.Percentage is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(change), change.Percentage, "An enabled flag's percentage must be 1 to 100.");
        }

        for (var attempt = 1; ; attempt++)
        {
            var current = await ReadAsync(change.Flag, cancellationToken);
            var value = FeatureFlagValue.Apply(current?.Value, change);
            if (current is not null && FeatureFlagValue.SameState(current.Value, value))
            {
                LogUnchanged(_log, change.Flag, change.ReleaseId, change.Enabled, change.Percentage);
                return;
            }

            var status = await WriteAsync(change.Flag, value, current, cancellationToken);
            if (status is 200 or 201)
            {
                LogWritten(_log, change.Flag, change.ReleaseId, change.Enabled, change.Percentage, current is null ? "created" : "updated");
                return;
            }

            // 412: another writer changed (or created) the flag since it was read.
            if (attempt >= _options.MaxWriteAttempts)
            {
                throw new RequestFailedException(412, $"Feature flag '{change.Flag}' kept changing under this write ({attempt} attempts).", "PreconditionFailed", null);
            }

            LogRace(_log, change.Flag, attempt);
        }
    }

    private async Task<StoredFlag?> ReadAsync(string flag, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(RequestMethod.Get, flag);
        var response = await SendAsync(message, cancellationToken);
        if (response.Status == 404)
        {
            return null;
        }

        if (response.Status != 200)
        {
            throw Failure(response);
        }

        try
        {
            var kv = JsonNode.Parse(response.Content.ToMemory().Span) as JsonObject ?? throw new JsonException("The body is not an object.");
            var etag = response.Headers.TryGetValue("ETag", out var header) && header.Length > 0 ? header
                : (string?)kv["etag"] is { Length: > 0 } inBody ? $"\"{inBody}\"" : throw new JsonException("The answer has no ETag.");
            return new StoredFlag((string?)kv["value"], etag, kv["tags"] as JsonObject);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new RequestFailedException(response.Status, $"The App Configuration answer is not a key-value: {e.Message}", "MalformedResponse", e);
        }
    }

    /// <summary>Writes the flag: 200 or 201 when written, 412 when the precondition failed; throws on anything else.</summary>
    private async Task<int> WriteAsync(string flag, JsonObject value, StoredFlag? current, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(RequestMethod.Put, flag);
        var request = message.Request;
        request.Headers.Add(HttpHeader.Names.ContentType, KeyValueMediaType);
        if (current is null)
        {
            request.Headers.Add(HttpHeader.Names.IfNoneMatch, "*");
        }
        else
        {
            request.Headers.Add(HttpHeader.Names.IfMatch, current.ETag);
        }

        var body = new JsonObject
        {
            ["value"] = value.ToJsonString(),
            ["content_type"] = FeatureFlagContentType,
            ["tags"] = current?.Tags?.DeepClone() ?? new JsonObject(),
        };
        request.Content = RequestContent.Create(JsonSerializer.SerializeToUtf8Bytes(body));
        var response = await SendAsync(message, cancellationToken);
        return response.Status is 200 or 201 or 412 ? response.Status : throw Failure(response);
    }

    private HttpMessage CreateMessage(RequestMethod method, string flag)
    {
        var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = method;
        var uri = new RequestUriBuilder();
        uri.Reset(_endpoint);
        uri.AppendPath("/kv/", escape: false);
        uri.AppendPath(KeyPrefix + flag, escape: true);
        if (!string.IsNullOrEmpty(_options.Label))
        {
            uri.AppendQuery("label", _options.Label, escapeValue: true);
        }

        uri.AppendQuery("api-version", ApiVersion, escapeValue: true);
        request.Uri = uri;
        request.Headers.Add(HttpHeader.Names.Accept, KeyValueMediaType + ", application/problem+json");
        return message;
    }

    private async Task<Response> SendAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
            return message.Response;
        }
        catch (RequestFailedException e) when (e.Status == 0)
        {
            throw Unavailable($"no answer ({e.Message})", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unavailable("no answer in time", e);
        }
    }

    private static Exception Failure(Response response) =>
        response.Status is 408 or 429 or >= 500
            ? Unavailable($"HTTP {response.Status}", new RequestFailedException(response))
            : new RequestFailedException(response);

    private static InvalidOperationException Unavailable(string why, Exception inner) =>
        new($"The feature flag store is unavailable: {why}.", inner);

    [LoggerMessage(Level = LogLevel.Information, Message = "Feature flag {Flag} of release {ReleaseId} {Outcome}: enabled {Enabled} at {Percentage} %")]
    private static partial void LogWritten(ILogger logger, string flag, string releaseId, bool enabled, int percentage, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Feature flag {Flag} of release {ReleaseId} already enabled {Enabled} at {Percentage} %: nothing written")]
    private static partial void LogUnchanged(ILogger logger, string flag, string releaseId, bool enabled, int percentage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feature flag {Flag} changed under write attempt {Attempt} (HTTP 412): reading it again")]
    private static partial void LogRace(ILogger logger, string flag, int attempt);

    private sealed record StoredFlag(string? Value, string ETag, JsonObject? Tags);
}
