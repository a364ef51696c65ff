using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>
/// What every release-control route (cancel, reschedule, milestones, evidence, rollback, retry and skip) does around its
/// own rule, in one place: read the body (<see cref="ReadThenAsync{TBody,TAccepted}"/>); validate it under the policy the
/// release runs under and refuse unless the release exists and runs (<see cref="CheckAsync{T}"/>: its 400, 404 and 409
/// change nothing); and, once the handler's own checks passed, audit and then raise (<see cref="RaiseAsync{TEvent}"/>,
/// <see cref="RaiseManualAsync"/>), so nothing is raised unaudited.
/// </summary>
public sealed class ReleaseControl(
    IReleaseStore releases, ReleasePolicies policies, ManualEventRaiser raiser, AuditRecorder audit, TimeProvider time,
    IOptions<ApprovalOptions> approvalOptions, ILogger<ReleaseControl> log)
{
    /// <summary>
    /// The 403 of a person who may not ask for <paramref name="action"/> on the checked request's release (the policy's
    /// permission table, <see cref="PermissionCheck"/>); null when they may. Asked after <see cref="CheckAsync{T}"/>, before
    /// anything is audited or raised.
    /// </summary>
    public ProblemHttpResult? Forbidden<T>(ControlRequest<T> request, string action, string by, AppServicePrincipal? principal)
        where T : class =>
        PermissionCheck.Refusal(request, action, approvalOptions.Value, by, principal, log);

    /// <summary>
    /// Reads a JSON body (<see cref="ApiJson.ReadAsync{T}"/>) and hands it to <paramref name="submit"/>; answers the
    /// body's problem (400, 403, 413, 415) without calling it.
    /// </summary>
    public static async Task<Results<Accepted<TAccepted>, ProblemHttpResult>> ReadThenAsync<TBody, TAccepted>(
        HttpRequest request, Func<TBody?, Task<Results<Accepted<TAccepted>, ProblemHttpResult>>> submit, CancellationToken cancellationToken)
        where TBody : class
    {
        ArgumentNullException.ThrowIfNull(submit);
        var (body, problem) = await ApiJson.ReadAsync<TBody>(request, cancellationToken);
        return problem is not null ? problem : await submit(body);
    }

    /// <summary>
    /// The request checked completely before anything is done: <paramref name="validate"/> under the policy the release runs
    /// under (<see cref="ReleasePolicies.ForAsync"/>; the current policy for an unknown release) and now, a 400 titled
    /// <paramref name="invalid"/> when it fails; then the 404 of an unknown release or the 409 of one that is not running
    /// (<see cref="RunningRelease"/>).
    /// </summary>
    public async Task<ControlRequest<T>> CheckAsync<T>(
        string releaseId, DurableTaskClient durable, Func<ReleasePolicy, DateTimeOffset, ValidationResult<T>> validate, string invalid, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(validate);
        var record = ReleaseIds.IsValid(releaseId) ? await releases.GetAsync(releaseId, cancellationToken) : null;
        var policy = record is null ? policies.Current : await policies.ForAsync(record, cancellationToken);
        var validation = validate(policy, time.GetUtcNow());
        if (!validation.IsValid)
        {
            return ControlRequest<T>.Refused(Problems.Validation(validation.Errors, invalid));
        }

        var standing = await RunningRelease.StandingAsync(record, durable, releaseId, cancellationToken);
        return RunningRelease.Refusal(standing) is { } refusal
            ? ControlRequest<T>.Refused(refusal)
            : new ControlRequest<T>(validation.Value!, standing.Record!, policy);
    }

    /// <summary>Audits <paramref name="entry"/>, then raises <paramref name="payload"/> to the release as <paramref name="eventName"/>.</summary>
    public async Task RaiseAsync<TEvent>(
        DurableTaskClient durable, string releaseId, string eventName, TEvent payload, AuditOrigin origin, ControlAudit entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(durable);
        ArgumentNullException.ThrowIfNull(entry);
        await audit.RecordAsync(origin, releaseId, entry.Action, entry.By, entry.Summary, entry.Rule, data: entry.Data, at: entry.At, cancellationToken: cancellationToken);
        await durable.RaiseEventAsync(releaseId, eventName, payload, cancellationToken);
    }

    /// <summary>
    /// Audits <paramref name="entry"/> under the event's id and time, then stores and raises the manual event
    /// (<see cref="ManualEventRaiser"/>).
    /// </summary>
    public async Task RaiseManualAsync(DurableTaskClient durable, CanonicalEvent evt, AuditOrigin origin, ControlAudit entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(entry);
        await audit.RecordAsync(origin, evt.ReleaseId!, entry.Action, entry.By, entry.Summary, entry.Rule, evt.EventId, entry.Data, evt.OccurredAt, cancellationToken);
        await raiser.StoreAndRaiseAsync(evt, durable, cancellationToken);
    }
}

/// <summary>A release-control request once checked (<see cref="ReleaseControl.CheckAsync{T}"/>): accepted, or the problem to answer.</summary>
public sealed class ControlRequest<T>
    where T : class
{
    private readonly T? _value;
    private readonly ReleaseRecord? _record;
    private readonly ReleasePolicy? _policy;

    internal ControlRequest(T value, ReleaseRecord record, ReleasePolicy policy) => (_value, _record, _policy) = (value, record, policy);

    private ControlRequest(ProblemHttpResult refusal) => Refusal = refusal;

    /// <summary>The problem to answer (400, 404, 409); null when the request may go on.</summary>
    public ProblemHttpResult? Refusal { get; }

    /// <summary>The validated request.</summary>
    public T Value => _value ?? throw Unchecked();

    /// <summary>The running release.</summary>
    public ReleaseRecord Record => _record ?? throw Unchecked();

    /// <summary>The policy the release runs under (the one it was requested under).</summary>
    public ReleasePolicy Policy => _policy ?? throw Unchecked();

    internal static ControlRequest<T> Refused(ProblemHttpResult refusal) => new(refusal);

    private InvalidOperationException Unchecked() => new($"The request was refused ({Refusal?.ProblemDetails.Title}): it has no value.");
}

/// <summary>The audit row of a release-control request (<see cref="Audit.AuditRecorder"/>).</summary>
/// <param name="At">When it was asked (default: now); a manual event's own time is used for it.</param>
public sealed record ControlAudit(
    string Action, string By, string Summary, string? Rule, IReadOnlyDictionary<string, string>? Data = null, DateTimeOffset? At = null);
