using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Deployments;

/// <summary>Settings under <c>Deployments</c>: where deployment and rollback requests are posted.</summary>
public sealed class DeploymentOptions
{
    public const string Section = "Deployments";

    /// <summary>The pipeline's webhook (e.g. a GitHub repository_dispatch relay or an Azure DevOps pipeline's incoming webhook). Empty: requests are logged only.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>HMAC-SHA256 key: the body's signature is sent as <c>X-Signature: sha256=HEX</c> so the receiver can verify it.</summary>
    public string? Secret { get; set; }

    /// <summary>How long one request waits for the pipeline's answer (then it fails and is retried, docs/architecture.md, "Outages").</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Deployments:Timeout must be between 1 second and 10 minutes.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Tells the pipeline to deploy (or roll back) by posting the request as JSON to its webhook, signed with HMAC-SHA256.
/// The request id travels as <c>X-Request-Id</c> so the receiver can drop a retried request. Without a webhook the request
/// is logged and a person runs the deployment; the release still waits for the pipeline's service.deployed event.
/// </summary>
public sealed partial class WebhookDeploymentPipeline(HttpClient http, IOptions<DeploymentOptions> options, ILogger<WebhookDeploymentPipeline> log)
    : IDeploymentPipeline
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task RequestAsync(DeploymentRequest request, CancellationToken cancellationToken = default)
    {
        var url = options.Value.WebhookUrl;
        if (string.IsNullOrWhiteSpace(url))
        {
            LogNoWebhook(log, request.Rollback ? "Rollback" : "Deployment", request.ReleaseId, request.Environment, request.RequestId);
            return;
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(request, Json);
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new("application/json");
        message.Headers.Add("X-Request-Id", request.RequestId);
        if (options.Value.Secret is { Length: > 0 } secret)
        {
            var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
            message.Headers.Add("X-Signature", "sha256=" + Convert.ToHexStringLower(signature));
        }

        using var response = await http.SendAsync(message, cancellationToken);
        response.EnsureSuccessStatusCode();
        LogRequested(log, request.Rollback ? "Rollback" : "Deployment", request.ReleaseId, request.Environment, (int)response.StatusCode);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} of release {ReleaseId} to {Environment} requested ({RequestId}) but no Deployments:WebhookUrl is set: run it by hand; the release waits for its outcome event")]
    private static partial void LogNoWebhook(ILogger logger, string kind, string releaseId, string environment, string requestId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} of release {ReleaseId} to {Environment} requested: pipeline answered {Status}")]
    private static partial void LogRequested(ILogger logger, string kind, string releaseId, string environment, int status);
}
