using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Api.Dashboard.Components;
using ReleaseManagement.Audit;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>
/// The dashboard's delegations page (<c>/api/dashboard/delegations</c>): the signed-in person's delegations, made and
/// received, a form to delegate their roles while away and a button to end each of their own early. Plain form posts (no
/// script needed; the dashboard's CSP), each carrying the dashboard's anti-forgery value, handed to
/// <see cref="DelegationHandlers"/> (the same rules, problems and audit as the API, channel <c>page</c>): 303 back to the
/// page when accepted, else the page again with the problems and what was sent. Without a signed-in person (Development
/// mode without the dev sign-in) the page asks to sign in and has no form.
/// </summary>
public sealed class DelegationPages(DelegationHandlers handlers, IDelegationStore store, DashboardActions actions, ReleasePolicy policy, TimeProvider time)
{
    /// <summary>The scope of the forms' anti-forgery value (not a release id).</summary>
    public const string FormScope = DelegationHandlers.AuditStream;
    public const long MaxFormBytes = 8 * 1024;

    /// <summary><c>GET /api/dashboard/delegations</c>.</summary>
    public async Task<IResult> ShowAsync(HttpRequest request, CancellationToken cancellationToken) =>
        await PageAsync(request, StatusCodes.Status200OK, null, null, null, cancellationToken);

    /// <summary><c>POST /api/dashboard/delegations</c>: <c>id</c> (the form's own, so a resent form stores nothing new), <c>to</c>, <c>roles</c> (ticked; none: all), <c>from</c>, <c>until</c>, <c>reason</c>.</summary>
    public async Task<IResult> CreateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (form, refused) = await ReadAsync(request, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var body = new DelegationBody(
            Text(form!, "id"), AppServicePrincipal.From(request)?.Name, Text(form!, "to"),
            form!["roles"].Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r!).ToArray(),
            Text(form!, "from"), Text(form!, "until"), Text(form!, "reason"));
        var result = await handlers.CreateAsync(body, AppServicePrincipal.From(request), AuditOrigin.From(request, AuditChannels.Page), cancellationToken);
        return await AnswerAsync(request, result, form!, cancellationToken);
    }

    /// <summary><c>POST /api/dashboard/delegations/{id}/cancel</c>.</summary>
    public async Task<IResult> CancelAsync(string id, HttpRequest request, CancellationToken cancellationToken)
    {
        var (form, refused) = await ReadAsync(request, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var result = await handlers.CancelAsync(
            id, new DelegationCancelBody(AppServicePrincipal.From(request)?.Name), AppServicePrincipal.From(request), AuditOrigin.From(request, AuditChannels.Page), cancellationToken);
        return await AnswerAsync(request, result, form!, cancellationToken);
    }

    private async Task<(IFormCollection? Form, IResult? Refused)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (AppServicePrincipal.From(request) is null)
        {
            return (null, await PageAsync(request, StatusCodes.Status403Forbidden, "Sign in first: a delegation is the signed-in person's.", null, null, cancellationToken));
        }

        if (request.ContentLength > MaxFormBytes || !request.HasFormContentType)
        {
            return (null, await PageAsync(request, StatusCodes.Status400BadRequest, "Use the form on this page.", null, null, cancellationToken));
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions { ValueLengthLimit = (int)MaxFormBytes, ValueCountLimit = 40 }, cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return (null, await PageAsync(request, StatusCodes.Status400BadRequest, "The form sent could not be read.", null, null, cancellationToken));
        }

        return actions.IsGenuine(FormScope, request, form[DashboardActions.FormField].ToString())
            ? (form, null)
            : (null, await PageAsync(request, StatusCodes.Status403Forbidden, "The form has expired or did not come from this page: reload the page and send it again.", null, null, cancellationToken));
    }

    private async Task<IResult> AnswerAsync(HttpRequest request, IResult result, IFormCollection form, CancellationToken cancellationToken)
    {
        if (result is not ProblemHttpResult problem)
        {
            return new SeeOther(DashboardRoutes.Delegations);
        }

        var details = problem.ProblemDetails;
        var errors = details is HttpValidationProblemDetails v ? v.Errors : new Dictionary<string, string[]>();
        var values = form.Keys.Where(k => k != DashboardActions.FormField).ToDictionary(k => k, k => form[k].ToString(), StringComparer.Ordinal);
        return await PageAsync(request, problem.StatusCode, $"{details.Title} {details.Detail}".Trim(), errors, values, cancellationToken);
    }

    private async Task<IResult> PageAsync(
        HttpRequest request, int status, string? problem, IDictionary<string, string[]>? errors, IReadOnlyDictionary<string, string>? values,
        CancellationToken cancellationToken)
    {
        var person = AppServicePrincipal.From(request)?.Name;
        var now = time.GetUtcNow();
        var view = new DelegationsPageView(
            person,
            person is null ? [] : Delegations.RolesHeld(Delegations.Directory(policy), person),
            person is null ? [] : (await store.ListByOwnerAsync(person, cancellationToken: cancellationToken)).Select(d => DelegationView.Of(d, now)).Reverse().ToArray(),
            person is null ? [] : (await store.ListByDelegateAsync(person, cancellationToken: cancellationToken)).Select(d => DelegationView.Of(d, now)).Reverse().ToArray(),
            actions.FormValue(FormScope, request),
            Guid.NewGuid().ToString("N"),
            problem,
            (errors ?? new Dictionary<string, string[]>()).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal),
            values ?? new Dictionary<string, string>(),
            policy.Delegation.MaxDays,
            PolicyTime.Zone(policy),
            now);
        return DashboardPage.Page<DelegationsPage>(view, status);
    }

    private static string? Text(IFormCollection form, string field) => form[field].ToString() is { Length: > 0 } s ? s : null;
}

/// <summary>What the delegations page shows.</summary>
/// <param name="Person">The signed-in person, or null.</param>
/// <param name="Roles">The roles the person holds in the directory (what they may delegate).</param>
/// <param name="FormId">A new delegation id for the form: a resent form stores nothing new.</param>
public sealed record DelegationsPageView(
    string? Person,
    IReadOnlyList<string> Roles,
    IReadOnlyList<DelegationView> Delegated,
    IReadOnlyList<DelegationView> Received,
    string FormValue,
    string FormId,
    string? Problem,
    IReadOnlyDictionary<string, string[]> Errors,
    IReadOnlyDictionary<string, string> Values,
    int MaxDays,
    TimeZoneInfo Zone,
    DateTimeOffset Now)
{
    public string Value(string field) => Values.TryGetValue(field, out var v) ? v : "";

    public string Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A delegation's state in words at <see cref="Now"/>.</summary>
    public string State(DelegationView d) =>
        d.CancelledAt is not null ? "ended early" : d.Active ? "running" : d.From > Now ? "not started" : "over";

    /// <summary>Whether its owner may still end <paramref name="d"/>.</summary>
    public bool MayEnd(DelegationView d) => d.CancelledAt is null && d.Until > Now;
}
