using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Auth;

/// <summary>
/// The rule "the actor of every action is the signed-in person", in one place. A body field naming the actor
/// (<c>by</c>, <c>requestedBy</c>, <c>approver</c>) must be that person (any of the principal's names or addresses,
/// case-insensitive) or be absent, and then it is filled from the principal; otherwise 403, before anything is stored.
/// Without a principal (only possible in <see cref="AuthMode.Development"/> mode, or on <see cref="AnonymousRoutes"/>)
/// the body's name stands, as before. The API applies it to every body as it is read (<see cref="ApiJson.ReadAsync{T}"/>),
/// the dashboard to its forms' <c>by</c>.
/// </summary>
public static class Actor
{
    /// <summary>The actor of <paramref name="request"/> given what its body names in <paramref name="field"/>; <paramref name="refused"/> set when it names someone else.</summary>
    public static string? Resolve(HttpRequest request, string? named, string field, out ProblemHttpResult? refused)
    {
        ArgumentNullException.ThrowIfNull(request);
        refused = null;
        var principal = AppServicePrincipal.From(request);
        if (principal is null)
        {
            return named;
        }

        if (string.IsNullOrWhiteSpace(named))
        {
            return principal.Name;
        }

        if (principal.Is(named))
        {
            return named;
        }

        refused = Problems.Forbidden(
            "Not the signed-in person.",
            $"'{field}' names {named.Trim()}, but the signed-in user is {principal.Name}: a person acts only in their own name (leave '{field}' out to act as yourself). Nothing was done.");
        return null;
    }

    /// <summary>
    /// <paramref name="body"/> with its actor field resolved (<see cref="Resolve"/>), or the 403. Bodies that name no actor
    /// pass unchanged.
    /// </summary>
    public static (T? Value, ProblemHttpResult? Problem) Apply<T>(HttpRequest request, T body)
        where T : class
    {
        object? resolved = body switch
        {
            ReleaseRequestBody b => Fill(request, b.RequestedBy, "requestedBy", by => b with { RequestedBy = by }),
            DecisionBody b => Fill(request, b.Approver, "approver", by => b with { Approver = by }),
            CancelBody b => Fill(request, b.By, "by", by => b with { By = by }),
            RescheduleBody b => Fill(request, b.By, "by", by => b with { By = by }),
            MilestoneBody b => Fill(request, b.By, "by", by => b with { By = by }),
            EvidenceBody b => Fill(request, b.By, "by", by => b with { By = by }),
            RollbackBody b => Fill(request, b.By, "by", by => b with { By = by }),
            OutageDecisionBody b => Fill(request, b.By, "by", by => b with { By = by }),
            DelegationBody b => Fill(request, b.By, "by", by => b with { By = by }),
            DelegationCancelBody b => Fill(request, b.By, "by", by => b with { By = by }),
            _ => body,
        };
        return resolved is ProblemHttpResult problem ? (null, problem) : ((T)resolved!, null);
    }

    private static object Fill<TBody>(HttpRequest request, string? named, string field, Func<string?, TBody> with)
        where TBody : class
    {
        var actor = Resolve(request, named, field, out var refused);
        return refused is not null ? refused : with(actor);
    }
}
