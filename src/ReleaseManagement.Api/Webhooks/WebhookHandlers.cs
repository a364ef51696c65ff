using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Telemetry;

namespace ReleaseManagement.Api.Webhooks;

/// <summary>
/// The webhook endpoints of both hosts. Each only verifies, enqueues the delivery (inline when small: one storage call; a
/// large one is stored raw first and referenced), and answers 202;
/// the processor does the rest. 401 for a bad or missing signature (nothing written), 400 for a malformed body (nothing
/// enqueued), 403 when the pipeline the secret names may not send what the delivery reports (<see cref="GateEntitlement.PipelineRefusal"/>
/// under the policy the delivery's release runs under, read from its record: one point read more; today's policy for a
/// delivery naming no release or one not requested yet; nothing written), 2xx for duplicates and for event types we don't use, 503 when storage is unavailable or does not answer
/// within <see cref="WebhookOptions.StorageTimeout"/> (never 500, and never after the sender gave up, so it retries instead
/// of counting a failure). A delivery stored but not yet enqueued when the deadline passed is enqueued by the retry.
/// Each delivery is a span (<see cref="ReleaseTelemetry.Spans.WebhookReceive"/>) whose W3C context travels in the queue
/// message, and each 2xx answer counts in <see cref="ReleaseTelemetry.DeliveriesAcknowledged"/>.
/// </summary>
public sealed partial class WebhookHandlers(
    PipelineEventNormalizer normalizer,
    IRawDeliveryStore deliveries,
    IPipelineEventQueue queue,
    IOptionsMonitor<WebhookOptions> options,
    ReleasePolicies policies,
    IReleaseStore releases,
    TimeProvider time,
    ILogger<WebhookHandlers> log)
{
    public Task<IResult> GitHubAsync(HttpRequest request, CancellationToken cancellationToken) =>
        ReceiveAsync(EventSources.GitHub, request, cancellationToken);

    public Task<IResult> AzureDevOpsAsync(HttpRequest request, CancellationToken cancellationToken) =>
        ReceiveAsync(EventSources.AzureDevOps, request, cancellationToken);

    public Task<IResult> CDEventsAsync(HttpRequest request, CancellationToken cancellationToken) =>
        ReceiveAsync(EventSources.CDEvents, request, cancellationToken);

    private async Task<IResult> ReceiveAsync(string source, HttpRequest request, CancellationToken cancellationToken)
    {
        using var span = ReleaseTelemetry.Source.StartActivity(ReleaseTelemetry.Spans.WebhookReceive, ActivityKind.Internal);
        span?.SetTag(ReleaseTelemetry.Tags.Source, source);
        var settings = options.CurrentValue;
        if (request.ContentLength > settings.MaxBodyBytes)
        {
            return Problems.PayloadTooLarge(settings.MaxBodyBytes);
        }

        var body = await ReadBodyAsync(request, settings.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.PayloadTooLarge(settings.MaxBodyBytes);
        }

        var now = time.GetUtcNow();
        var check = Verify(source, request, body, settings, now, out var secretName);
        if (check != SignatureCheck.Valid)
        {
            LogRefused(log, source, check);
            return Unauthorized(source, check, settings);
        }

        var result = normalizer.Normalize(new InboundDelivery(
            source, body, now, request.Headers[GitHubSignature.EventHeader].ToString(), request.Headers[GitHubSignature.DeliveryHeader].ToString()));
        switch (result.Status)
        {
            case NormalizationStatus.Malformed:
                LogMalformed(log, source, result.Detail);
                return Problems.BadRequest("The delivery is malformed.", result.Detail ?? "The body is not what this source sends.");
            case NormalizationStatus.Ignored:
                LogIgnored(log, source, result.EventType, result.DeliveryId, result.Detail);
                Acknowledged(source, "ignored");
                return ApiJson.Json(new { status = "ignored", source, eventType = result.EventType, reason = result.Detail });
        }

        var pipeline = WebhookSecrets.PipelineOf(secretName);
        var deliveryId = result.DeliveryId!;
        var delivery = new RawDelivery(source, deliveryId, result.EventType!, now, body) { Pipeline = pipeline };
        var eventId = result.Event!.EventId;
        using var deadline = new CancellationTokenSource(settings.StorageTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var storage = linked.Token;
        try
        {
            // The verified secret's name is the sending pipeline: it may send only what the policy its release runs under
            // lets it (nothing is stored when it may not).
            if (GateEntitlement.PipelineRefusal(await PolicyOfAsync(result.Event, storage), result.Event, pipeline) is { } refusal)
            {
                LogRefusedReport(log, source, result.EventType, result.DeliveryId, pipeline ?? "(unnamed)", refusal);
                return Problems.Forbidden("The pipeline may not report this.", refusal);
            }

            // An event timed by its receipt (the provider gave no time) goes by reference, so every copy of it reads the one
            // stored receive time and normalizes to the same month and index key.
            if (!await AcceptAsync(delivery, inlineable: result.Event.OccurredAt != now, storage))
            {
                LogDuplicate(log, source, deliveryId);
                Acknowledged(source, "duplicate");
                return ApiJson.Json(new { status = "duplicate", eventId });
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            if (deadline.IsCancellationRequested)
            {
                LogStorageTimedOut(log, source, deliveryId, settings.StorageTimeout.TotalSeconds);
                return StorageUnavailable($"Storage did not answer within {settings.StorageTimeout.TotalSeconds:0.###} s; send the delivery again later.");
            }

            LogStorageUnavailable(log, e, source, deliveryId);
            return StorageUnavailable("The delivery was not accepted; send it again later.");
        }

        LogAccepted(log, source, result.EventType!, deliveryId, result.Event.Type, result.Event.ReleaseId);
        span?.SetTag(ReleaseTelemetry.Tags.EventId, eventId);
        span?.SetTag(ReleaseTelemetry.Tags.ReleaseId, result.Event.ReleaseId);
        Acknowledged(source, "accepted");
        return ApiJson.Json(
            new { status = "accepted", eventId, type = result.Event.Type, releaseId = result.Event.ReleaseId },
            StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// The policy a delivery is judged by: the one its release runs under (<see cref="ReleasePolicies.ForAsync(ReleaseManagement.Releases.ReleaseRecord, CancellationToken)"/>,
    /// captured at its request), so a policy changed since does not widen or narrow what its pipelines may report; today's
    /// for a delivery naming no release, or one not requested yet (a release requested now runs under today's policy).
    /// </summary>
    private async Task<ReleasePolicy> PolicyOfAsync(CanonicalEvent evt, CancellationToken storage) =>
        evt.ReleaseId is { } id && ReleaseManagement.Releases.ReleaseIds.IsValid(id) && await releases.GetAsync(id, storage) is { } record
            ? await policies.ForAsync(record, storage)
            : policies.Current;

    /// <summary>
    /// Enqueues (and, when large, stores) a delivery; false when it was accepted before (nothing new is left behind). A small
    /// delivery travels inside its message, and that send is the whole acknowledgement (one storage call): a duplicate of it
    /// is enqueued again and counted once by the processor, whose conditional insert on the event id is the guard (the raw
    /// body is kept on the event row it writes). A large one is stored first and referenced (three calls: create, send, mark
    /// enqueued); a duplicate already enqueued is answered as such, and one stored but not enqueued (the host stopped in
    /// between) is enqueued when it comes again.
    /// </summary>
    private async Task<bool> AcceptAsync(RawDelivery delivery, bool inlineable, CancellationToken storage)
    {
        var (source, deliveryId) = (delivery.Source, delivery.DeliveryId);

        // The current span's context (this delivery's, or the host's request span when nothing listens to ours).
        var traceParent = ReleaseTelemetry.TraceParent(Activity.Current);
        var traceState = traceParent is null || Activity.Current!.TraceStateString is not { Length: <= 256 } state ? null : state;
        if (inlineable && PipelineEventMessage.Inline(delivery, traceParent, traceState) is { } inline)
        {
            await queue.EnqueueAsync(inline, storage);
            return true;
        }

        var fresh = await deliveries.TryAddAsync(delivery, enqueued: false, storage);
        if (!fresh && await deliveries.IsEnqueuedAsync(source, deliveryId, storage))
        {
            return false;
        }

        await queue.EnqueueAsync(new PipelineEventMessage(source, deliveryId, delivery.EventType) { Pipeline = delivery.Pipeline, TraceParent = traceParent, TraceState = traceState }, storage);
        await deliveries.MarkEnqueuedAsync(source, deliveryId, fresh ? delivery : null, storage);
        return true;
    }

    private static void Acknowledged(string source, string result) =>
        ReleaseTelemetry.DeliveriesAcknowledged.Add(
            1, new KeyValuePair<string, object?>(ReleaseTelemetry.Tags.Source, source), new KeyValuePair<string, object?>(ReleaseTelemetry.Tags.Result, result));

    /// <summary>Verifies the delivery; <paramref name="secretName"/> is the name of the secret it verified with.</summary>
    private static SignatureCheck Verify(string source, HttpRequest request, byte[] body, WebhookOptions settings, DateTimeOffset now, out string? secretName)
    {
        secretName = null;
        return source switch
        {
            EventSources.GitHub => GitHubSignature.Verify(body, request.Headers[GitHubSignature.Header].ToString(), settings.GitHub.Secrets, out secretName),
            EventSources.AzureDevOps => AzureDevOpsCredentials.Verify(
                request.Headers.Authorization.ToString(), request.Headers[settings.AzureDevOps.HeaderName].ToString(), settings.AzureDevOps, out secretName),
            EventSources.CDEvents => CDEventsSignature.Verify(
                body,
                request.Headers[CDEventsSignature.Header].ToString(),
                request.Headers[CDEventsSignature.TimestampHeader].ToString(),
                settings.CDEvents.Secrets,
                now,
                settings.CDEvents.Tolerance,
                out secretName),
            _ => SignatureCheck.NotConfigured,
        };
    }

    private static IResult Unauthorized(string source, SignatureCheck check, WebhookOptions settings)
    {
        var detail = check switch
        {
            SignatureCheck.NotConfigured => $"No secret is configured for {source} webhooks.",
            SignatureCheck.Missing => "The signature or credentials are missing.",
            SignatureCheck.Stale => $"The signature timestamp is outside the accepted window of {settings.CDEvents.Tolerance.TotalMinutes:0.#} minutes.",
            _ => "The signature or credentials do not match.",
        };
        var problem = Results.Problem(title: "The delivery is not authenticated.", detail: detail, statusCode: StatusCodes.Status401Unauthorized);
        return source == EventSources.AzureDevOps ? new HeaderResult(problem, "WWW-Authenticate", "Basic realm=\"webhooks\"") : problem;
    }

    private static IResult StorageUnavailable(string detail) => new HeaderResult(
        Results.Problem(
            title: "Storage is unavailable.",
            detail: detail,
            statusCode: StatusCodes.Status503ServiceUnavailable),
        "Retry-After",
        "30");

    /// <summary>Reads the whole body, or null when it is larger than <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        using var buffer = request.ContentLength is { } length and <= int.MaxValue ? new MemoryStream((int)length) : new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private sealed class HeaderResult(IResult inner, string name, string value) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[name] = value;
            return inner.ExecuteAsync(httpContext);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a {Source} delivery: {Check}")]
    private static partial void LogRefused(ILogger logger, string source, SignatureCheck check);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Source} {EventType} delivery {DeliveryId} from pipeline {Pipeline}: {Reason}")]
    private static partial void LogRefusedReport(ILogger logger, string source, string? eventType, string? deliveryId, string pipeline, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Malformed {Source} delivery: {Detail}")]
    private static partial void LogMalformed(ILogger logger, string source, string? detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped {Source} {EventType} delivery {DeliveryId}: {Reason}")]
    private static partial void LogIgnored(ILogger logger, string source, string? eventType, string? deliveryId, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Duplicate {Source} delivery {DeliveryId}: already accepted")]
    private static partial void LogDuplicate(ILogger logger, string source, string deliveryId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage did not answer for {Source} delivery {DeliveryId} within {Seconds} s: answered 503")]
    private static partial void LogStorageTimedOut(ILogger logger, string source, string deliveryId, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage unavailable for {Source} delivery {DeliveryId}: answered 503")]
    private static partial void LogStorageUnavailable(ILogger logger, Exception exception, string source, string deliveryId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Accepted {Source} {EventType} delivery {DeliveryId} as {CanonicalType} for release {ReleaseId}")]
    private static partial void LogAccepted(ILogger logger, string source, string eventType, string deliveryId, CanonicalEventType canonicalType, string? releaseId);
}
