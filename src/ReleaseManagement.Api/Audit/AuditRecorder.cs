using Microsoft.AspNetCore.Http;
using ReleaseManagement.Audit;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Audit;

/// <summary>
/// The one call a handler makes to audit what it did (docs/api.md, "Audit trail"): after its checks passed and before it
/// acts (raises the event), so nothing is done unaudited; a retry with the same <c>eventKey</c> adds no second row.
/// <code>await audit.RecordAsync(request, releaseId, AuditActions.Rollback, by, "Rollback requested: reason", rule: "successCriteria");</code>
/// </summary>
public sealed class AuditRecorder(IAuditTrail trail, TimeProvider time)
{
    /// <summary>Audits an action of an HTTP request (channel <paramref name="channel"/>, client address and principal from the request).</summary>
    public Task<AuditRecord> RecordAsync(
        HttpRequest request,
        string releaseId,
        string action,
        string by,
        string summary,
        string? rule = null,
        string? eventKey = null,
        IReadOnlyDictionary<string, string>? data = null,
        string channel = AuditChannels.Api,
        CancellationToken cancellationToken = default) =>
        RecordAsync(AuditOrigin.From(request, channel), releaseId, action, by, summary, rule, eventKey, data, cancellationToken: cancellationToken);

    /// <summary>Audits an action from <paramref name="origin"/>; <paramref name="eventKey"/> defaults to a new unique key.</summary>
    public Task<AuditRecord> RecordAsync(
        AuditOrigin origin,
        string releaseId,
        string action,
        string by,
        string summary,
        string? rule = null,
        string? eventKey = null,
        IReadOnlyDictionary<string, string>? data = null,
        DateTimeOffset? at = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var entry = new AuditEntry(
            releaseId,
            eventKey ?? $"{action}:{Guid.NewGuid():N}",
            action,
            by,
            at ?? time.GetUtcNow(),
            origin.Channel,
            summary,
            rule,
            origin.SignedInAs,
            origin.ClientAddress,
            data);
        return trail.AppendAsync(entry, cancellationToken);
    }
}
