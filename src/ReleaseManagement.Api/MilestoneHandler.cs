using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Audit;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>
/// <c>POST /api/releases/{id}/milestones/{name}</c>: a development milestone (one of the policy's) recorded by hand. The
/// input is checked completely first (400, 404, 409 change nothing); then the milestone is audited and stored and raised as
/// a canonical event (<see cref="ManualEventRaiser"/>).
/// </summary>
public sealed class MilestoneHandler(ReleaseControl control, TimeProvider time)
{
    /// <summary><c>POST /api/releases/{id}/milestones/{name}</c>: records a development milestone by hand (one of the policy's).</summary>
    public Task<Results<Accepted<MilestoneAccepted>, ProblemHttpResult>> MilestoneAsync(
        string releaseId, string name, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken) =>
        ReleaseControl.ReadThenAsync<MilestoneBody, MilestoneAccepted>(
            request, body => RecordMilestoneAsync(releaseId, name, body, AppServicePrincipal.From(request), durable, cancellationToken, AuditOrigin.From(request)), cancellationToken);

    /// <summary>
    /// A milestone once its body is read: validated (one of the milestones of the policy the release runs under), refused
    /// unless the release runs, stored and raised. The milestone route and the dashboard's form both end here, so both
    /// follow the same rules. <paramref name="origin"/> is what the audit trail records as its channel and client (default:
    /// the API, no address).
    /// </summary>
    public async Task<Results<Accepted<MilestoneAccepted>, ProblemHttpResult>> RecordMilestoneAsync(
        string releaseId, string name, MilestoneBody? body, AppServicePrincipal? principal, DurableTaskClient durable, CancellationToken cancellationToken, AuditOrigin? origin = null)
    {
        var checkedRequest = await control.CheckAsync(
            releaseId, durable, (policy, _) => MilestoneRequestValidator.Validate(policy, name, body), "The milestone is invalid.", cancellationToken);
        if (checkedRequest.Refusal is { } refusal)
        {
            return refusal;
        }

        var milestone = checkedRequest.Value;
        if (control.Forbidden(checkedRequest, ReleaseActions.Milestone, milestone.By, principal) is { } forbidden)
        {
            return forbidden;
        }

        var evt = milestone.ToEvent(releaseId, ManualEventRaiser.NewEventId(), time.GetUtcNow());
        var data = new Dictionary<string, string> { ["milestone"] = milestone.Milestone };
        if (milestone.Note is { } note)
        {
            data["note"] = note;
        }

        await control.RaiseManualAsync(durable, evt, origin ?? new AuditOrigin(AuditChannels.Api), new ControlAudit(
            AuditActions.Milestone, milestone.By, $"Milestone '{milestone.Milestone}' reached.", "promotion.milestones", data), cancellationToken);
        return TypedResults.Accepted((string?)null, new MilestoneAccepted(evt.EventId, releaseId, milestone.Milestone));
    }
}
