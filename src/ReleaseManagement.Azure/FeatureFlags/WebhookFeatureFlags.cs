using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.FeatureFlags;

/// <summary>
/// <see cref="IFeatureFlags"/> for any flag system: posts the change as JSON (<see cref="FeatureFlagChange"/>, camel case)
/// to <see cref="FeatureFlagsOptions.WebhookUrl"/>, signed like the deployment webhook
/// (<see cref="Deployments.WebhookDeploymentPipeline"/>): <c>X-Signature: sha256=HEX</c>, the HMAC-SHA256 of the body with
/// <see cref="FeatureFlagsOptions.WebhookSecret"/>, and the request id as <c>X-Request-Id</c> so the receiver can drop a
/// retried change. The receiver sets a state, so a repeat is harmless. An answer other than 2xx, or none in
/// <see cref="FeatureFlagsOptions.Timeout"/>, throws (<see cref="HttpRequestException"/>, or a cancellation for the
/// timeout), and the lifecycle waits the outage out.
/// </summary>
public sealed partial class WebhookFeatureFlags(HttpClient http, IOptions<FeatureFlagsOptions> options, ILogger<WebhookFeatureFlags> log) : IFeatureFlags
{
    public const string RequestIdHeader = "X-Request-Id";
    public const string SignatureHeader = "X-Signature";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task SetAsync(FeatureFlagChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var url = options.Value.WebhookUrl;
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new InvalidOperationException($"FeatureFlags:WebhookUrl is not set: feature flag '{change.Flag}' of release {change.ReleaseId} cannot be set.");
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(change, Json);
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new("application/json");
        message.Headers.Add(RequestIdHeader, change.RequestId);
        if (options.Value.WebhookSecret is { Length: > 0 } secret)
        {
            var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
            message.Headers.Add(SignatureHeader, "sha256=" + Convert.ToHexStringLower(signature));
        }

        using var response = await http.SendAsync(message, cancellationToken);
        response.EnsureSuccessStatusCode();
        LogPosted(log, change.Flag, change.ReleaseId, change.Enabled, change.Percentage, (int)response.StatusCode);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Feature flag {Flag} of release {ReleaseId} posted (enabled {Enabled} at {Percentage} %): webhook answered {Status}")]
    private static partial void LogPosted(ILogger logger, string flag, string releaseId, bool enabled, int percentage, int status);
}
