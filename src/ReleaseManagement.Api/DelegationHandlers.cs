using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Approvals;
using ReleaseManagement.Audit;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>
/// Delegation while away (issue 24, point 5; docs/security.md): <c>POST /api/delegations</c> hands the signed-in person's
/// roles (all, or named ones) to another person for a period, <c>GET /api/delegations?person=</c> lists a person's
/// delegations (made and received; where sign-in is required, one's own, or anyone's for an audit reader: <see cref="AuditReaders"/>),
/// <c>POST /api/delegations/{id}/cancel</c> ends one early (its owner only). The rules
/// are <see cref="Delegations"/>'s, judged under the current policy (a delegation is a person's, not one release's).
/// Bad input is a 400 problem, someone else's delegation a 403, and then nothing is stored or audited. What is stored is
/// audited first, in the audit stream <see cref="AuditStream"/> (not a release's: a delegation spans every release).
/// The dashboard's form calls the same methods.
/// </summary>
public sealed partial class DelegationHandlers(
    IDelegationStore store,
    ReleasePolicy policy,
    IOptions<ApprovalOptions> options,
    TimeProvider time,
    AuditRecorder audit,
    ILogger<DelegationHandlers> log)
{
    /// <summary>
    /// The audit chain delegations are recorded in: one hash-chained stream of its own, read like a release's in the period
    /// audit (<c>GET /api/audit</c>). Not a valid release id, so no release's trail can be confused with it.
    /// </summary>
    public const string AuditStream = "_delegations";

    /// <summary><c>POST /api/delegations</c>: 201 with the delegation; 200 with it when the same request came before (same id).</summary>
    public async Task<IResult> CreateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<DelegationBody>(request, cancellationToken);
        return problem ?? await CreateAsync(body, AppServicePrincipal.From(request), AuditOrigin.From(request), cancellationToken);
    }

    /// <summary>The same from a parsed body (the dashboard's form, channel of <paramref name="origin"/>).</summary>
    public async Task<IResult> CreateAsync(DelegationBody? body, AppServicePrincipal? principal, AuditOrigin origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var now = time.GetUtcNow();
        var validation = DelegationRequestValidator.Validate(body, PolicyTime.Zone(policy), now);
        if (!validation.IsValid)
        {
            return Problems.Validation(validation.Errors, "The delegation is invalid.");
        }

        var d = validation.Value!;
        if (SignedInPerson.Refusal(options.Value, principal, d.By, "Delegating needs a signed-in person (App Service authentication).") is { } forbidden)
        {
            return forbidden;
        }

        var delegation = new Delegation(d.Id, d.By, d.To, d.Roles, d.From, d.Until, d.Reason, now);
        if (await store.GetAsync(d.Id, cancellationToken) is { } earlier)
        {
            // A retry: the same request again (a left-out 'from' meant "now" the first time) answers what was stored.
            return earlier.SameRequestAs(body!.From is null or "" ? delegation with { From = earlier.From } : delegation)
                ? ApiJson.Json(DelegationView.Of(earlier, now))
                : IdTaken(d.Id);
        }

        var errors = Delegations.Check(policy, d.By, d.To, d.Roles, d.From, d.Until, now);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors, "The delegation is not allowed.");
        }

        var roles = d.Roles.Count == 0 ? "every role" : string.Join(", ", d.Roles);
        var data = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["id"] = d.Id,
            ["to"] = d.To,
            ["roles"] = d.Roles.Count == 0 ? "all" : string.Join(",", d.Roles),
            ["from"] = d.From.ToString("O", CultureInfo.InvariantCulture),
            ["until"] = d.Until.ToString("O", CultureInfo.InvariantCulture),
        };
        if (d.Reason is { } reason)
        {
            data["reason"] = reason;
        }

        await audit.RecordAsync(origin, AuditStream, AuditActions.Delegation, d.By,
            $"Delegated {roles} to {d.To} from {d.From:u} until {d.Until:u}" + (d.Reason is { } r ? $": {r}" : "."),
            rule: "delegation", eventKey: $"delegation:{d.Id}", data: data, at: now, cancellationToken: cancellationToken);
        var stored = await store.AddAsync(delegation, cancellationToken);
        if (!stored.SameRequestAs(delegation))
        {
            return IdTaken(d.Id);
        }

        LogDelegated(log, d.Id, d.By, d.To, d.From, d.Until);
        return ApiJson.Json(DelegationView.Of(stored, now), StatusCodes.Status201Created);
    }

    /// <summary><c>GET /api/delegations?person=</c> (default: the signed-in person): the delegations they made and received.</summary>
    public async Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var person = request.Query["person"].ToString().Trim();
        if (person.Length == 0)
        {
            person = AppServicePrincipal.From(request)?.Name ?? "";
        }

        if (!EmailAddresses.IsValid(person))
        {
            return Problems.Validation(
                new Dictionary<string, string[]> { ["person"] = ["'person' must be an email address (it defaults to the signed-in person)."] },
                "The query is invalid.");
        }

        if (NotAListerOf(request, person) is { } refused)
        {
            return refused;
        }

        var now = time.GetUtcNow();
        var made = await store.ListByOwnerAsync(person, cancellationToken: cancellationToken);
        var received = await store.ListByDelegateAsync(person, cancellationToken: cancellationToken);
        return ApiJson.Json(new DelegationList(
            person, made.Select(d => DelegationView.Of(d, now)).ToArray(), received.Select(d => DelegationView.Of(d, now)).ToArray()));
    }

    /// <summary>
    /// Where sign-in is required, who is away and who covers for them is for the person themselves and for the holders of the
    /// audit reader roles (release managers plan around it, auditors review it): any other signed-in person is refused (403).
    /// </summary>
    private IResult? NotAListerOf(HttpRequest request, string person)
    {
        if (!options.Value.RequireSignedInApprover)
        {
            return null;
        }

        if (AppServicePrincipal.From(request) is not { } principal)
        {
            return Problems.Forbidden("Sign-in required.", "Delegations are listed for a signed-in person (App Service authentication).");
        }

        return principal.Identities.Contains(person, StringComparer.OrdinalIgnoreCase) || AuditReaders.Include(policy, principal)
            ? null
            : Problems.Forbidden(
                "Not your delegations.",
                $"{principal.Name} may list their own delegations; another person's are listed for the roles that read the audit trail ({string.Join(", ", policy.Audit.ReaderRoles)}).");
    }

    /// <summary><c>POST /api/delegations/{id}/cancel</c> (body optional: <c>{by}</c>): 200 with the delegation ended; 403 unless its owner.</summary>
    public async Task<IResult> CancelAsync(string id, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        DelegationCancelBody? body;
        if (request.ContentLength is null or 0 && request.ContentType is null)
        {
            (body, var refused) = Auth.Actor.Apply(request, new DelegationCancelBody());
            if (refused is not null)
            {
                return refused;
            }
        }
        else
        {
            var (read, problem) = await ApiJson.ReadAsync<DelegationCancelBody>(request, cancellationToken);
            if (problem is not null)
            {
                return problem;
            }

            body = read;
        }

        return await CancelAsync(id, body, AppServicePrincipal.From(request), AuditOrigin.From(request), cancellationToken);
    }

    /// <summary>The same from a parsed body (the dashboard's form).</summary>
    public async Task<IResult> CancelAsync(string id, DelegationCancelBody? body, AppServicePrincipal? principal, AuditOrigin origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var by = body?.By?.Trim();
        if (string.IsNullOrEmpty(by) || !EmailAddresses.IsValid(by))
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["by"] = ["Who cancels is required (an email address; the signed-in person)."] }, "The cancellation is invalid.");
        }

        if (SignedInPerson.Refusal(options.Value, principal, by, "Cancelling a delegation needs a signed-in person (App Service authentication).") is { } forbidden)
        {
            return forbidden;
        }

        var now = time.GetUtcNow();
        if (!DelegationRequestValidator.IsValidId(id) || await store.GetAsync(id, cancellationToken) is not { } delegation)
        {
            return Problems.NotFound("No such delegation.", $"There is no delegation '{id}'.");
        }

        if (!delegation.IsOwnedBy(by))
        {
            return Problems.Forbidden("Not the owner.", $"Delegation '{id}' is {delegation.Owner}'s: only its owner may cancel it. Nothing was changed.");
        }

        if (delegation.CancelledAt is not null)
        {
            return ApiJson.Json(DelegationView.Of(delegation, now));
        }

        await audit.RecordAsync(origin, AuditStream, AuditActions.DelegationCancel, by,
            $"Cancelled the delegation '{id}' to {delegation.Delegate}.", rule: "delegation", eventKey: $"delegation-cancel:{id}",
            data: new Dictionary<string, string>(StringComparer.Ordinal) { ["id"] = id, ["to"] = delegation.Delegate }, at: now, cancellationToken: cancellationToken);
        var cancelled = await store.CancelAsync(id, now, by, cancellationToken) ?? delegation;
        LogCancelled(log, id, by);
        return ApiJson.Json(DelegationView.Of(cancelled, now));
    }

    private static IResult IdTaken(string id) =>
        Problems.Conflict("The delegation id is taken.", $"A different delegation is stored under '{id}': choose another id. Nothing was stored.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Delegation {DelegationId} by {Owner} to {Delegate} from {From} until {Until} stored")]
    private static partial void LogDelegated(ILogger logger, string delegationId, string owner, string @delegate, DateTimeOffset from, DateTimeOffset until);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delegation {DelegationId} cancelled by {By}")]
    private static partial void LogCancelled(ILogger logger, string delegationId, string by);
}

/// <summary>A delegation as the API shows it; <c>roles</c> empty means every role of the owner.</summary>
public sealed record DelegationView(
    string Id, string Owner, string Delegate, IReadOnlyList<string> Roles, bool AllRoles, DateTimeOffset From, DateTimeOffset Until, string? Reason,
    DateTimeOffset CreatedAt, DateTimeOffset? CancelledAt, string? CancelledBy, bool Active)
{
    public static DelegationView Of(Delegation d, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new(d.Id, d.Owner, d.Delegate, d.Roles, d.AllRoles, d.From, d.Until, d.Reason, d.CreatedAt, d.CancelledAt, d.CancelledBy, d.IsActive(now));
    }
}

/// <summary>The answer of <c>GET /api/delegations</c>: what <see cref="Person"/> delegated and received, oldest first.</summary>
public sealed record DelegationList(string Person, IReadOnlyList<DelegationView> Delegated, IReadOnlyList<DelegationView> Received);
