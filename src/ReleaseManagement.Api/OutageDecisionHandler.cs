using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Audit;
using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>Retry now and skip of the effect a release waits on while its dependency is down (issue 25, point 1).</summary>
public sealed partial class OutageDecisionHandler(ReleaseControl control, ILogger<OutageDecisionHandler> log)
{
    /// <summary>
    /// <c>POST /api/releases/{id}/retry</c> and <c>/skip</c> <c>{by, reason?}</c>: by a release manager of the release (403
    /// otherwise), while it waits on an effect whose dependency is down (409 otherwise, read from the orchestration's custom
    /// status, <see cref="OutageStatus"/>); a skip only past <c>resilience.maxOutage</c> and only of an effect the procedure
    /// lets go (a notice, an outbound event: 409 otherwise). 202 when raised to the release; audited.
    /// </summary>
    public Task<Results<Accepted<OutageDecisionAccepted>, ProblemHttpResult>> OutageDecisionAsync(
        string releaseId, OutageAction action, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken) =>
        ReleaseControl.ReadThenAsync<OutageDecisionBody, OutageDecisionAccepted>(
            request, body => OutageDecisionAsync(releaseId, action, body, AppServicePrincipal.From(request), AuditOrigin.From(request), durable, cancellationToken),
            cancellationToken);

    /// <summary>The same from a parsed body: the route and the release page's forms (channel <paramref name="origin"/>) both end here.</summary>
    public async Task<Results<Accepted<OutageDecisionAccepted>, ProblemHttpResult>> OutageDecisionAsync(
        string releaseId, OutageAction action, OutageDecisionBody? body, AppServicePrincipal? principal, AuditOrigin origin, DurableTaskClient durable,
        CancellationToken cancellationToken)
    {
        var checkedRequest = await control.CheckAsync(
            releaseId, durable, (_, now) => OutageDecisionValidator.Validate(body, action, now), $"The {Verb(action)} request is invalid.", cancellationToken);
        if (checkedRequest.Refusal is { } refusal)
        {
            return refusal;
        }

        var decision = checkedRequest.Value;
        if (control.Forbidden(checkedRequest, action == OutageAction.Skip ? ReleaseActions.Skip : ReleaseActions.Retry, decision.By, principal) is { } forbidden)
        {
            return forbidden;
        }

        var outage = OutageOf(await durable.GetInstanceAsync(releaseId, getInputsAndOutputs: true, cancellationToken));
        if (outage is null)
        {
            return Problems.Conflict("Nothing waits on a dependency.", $"Release '{releaseId}' is not waiting out an outage: there is nothing to {Verb(action)}.");
        }

        if (action == OutageAction.Skip && !outage.Skippable)
        {
            return Problems.Conflict("This effect cannot be skipped.", $"Release '{releaseId}' waits on {outage.Effect}, which the procedure does not let go: retry it instead.");
        }

        if (action == OutageAction.Skip && !outage.Escalated)
        {
            return Problems.Conflict("Not yet.", $"Release '{releaseId}' waits on the {outage.Dependency} since {outage.Since:u}: it may be skipped only past resilience.maxOutage ({checkedRequest.Policy.Resilience.MaxOutage}).");
        }

        await control.RaiseAsync(durable, releaseId, ReleaseEventNames.Outage, decision, origin, new ControlAudit(
            action == OutageAction.Skip ? AuditActions.Skip : AuditActions.Retry, decision.By,
            $"{(action == OutageAction.Skip ? "Skip" : "Retry")} of {outage.Effect} requested (the {outage.Dependency} unavailable since {outage.Since:u})" + (decision.Reason is { } r ? $": {r}" : "."),
            "resilience.maxOutage", new Dictionary<string, string> { ["dependency"] = outage.Dependency, ["effect"] = outage.Effect }, decision.At), cancellationToken);
        LogOutageDecision(log, releaseId, action, outage.Effect, decision.By);
        var location = ReleaseHandlers.StatusUri(releaseId);
        return TypedResults.Accepted(location, new OutageDecisionAccepted(releaseId, action.ToString().ToLowerInvariant(), outage.Dependency, outage.Effect, decision.By, decision.At, location));
    }

    /// <summary>What the release's orchestration waits on (its custom status), or null.</summary>
    public static OutageStatus? OutageOf(OrchestrationMetadata? instance)
    {
        if (instance?.SerializedCustomStatus is not { Length: > 0 } json)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ReleaseCustomStatus>(json, JsonSerializerOptions.Web)?.Outage;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Verb(OutageAction action) => action == OutageAction.Skip ? "skip" : "retry";

    [LoggerMessage(Level = LogLevel.Information, Message = "Release {ReleaseId}: {Action} of {Effect} requested by {By}")]
    private static partial void LogOutageDecision(ILogger logger, string releaseId, OutageAction action, string effect, string by);
}

/// <summary>The answer to an accepted retry or skip.</summary>
public sealed record OutageDecisionAccepted(string ReleaseId, string Action, string Dependency, string Effect, string By, DateTimeOffset At, string StatusUri);
