using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Audit;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>
/// <c>POST /api/releases/{id}/milestones/{name}</c>: a development milestone (one of the policy's) recorded by hand. The
/// input is checked completely first (400, 404, 409 change nothing); then the milestone is audited and stored and raised as
/// a canonical event (<see cref="ManualEventRaiser"/>).
/// </summary>
public sealed class MilestoneHandler(
    IReleaseStore releases,
    ReleasePolicy policy,
    ManualEventRaiser raiser,
    TimeProvider time,
    AuditRecorder audit)
{
    /// <summary><c>POST /api/releases/{id}/milestones/{name}</c>: records a development milestone by hand (one of the policy's).</summary>
    public async Task<Results<Accepted<MilestoneAccepted>, ProblemHttpResult>> MilestoneAsync(
        string releaseId, string name, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<MilestoneBody>(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        return await RecordMilestoneAsync(releaseId, name, body, durable, cancellationToken, AuditOrigin.From(request));
    }

    /// <summary>
    /// A milestone once its body is read: validated, refused unless the release runs, stored and raised. The milestone
    /// route and the dashboard's form both end here, so both follow the same rules. <paramref name="origin"/> is what the
    /// audit trail records as its channel and client (default: the API, no address).
    /// </summary>
    public async Task<Results<Accepted<MilestoneAccepted>, ProblemHttpResult>> RecordMilestoneAsync(
        string releaseId, string name, MilestoneBody? body, DurableTaskClient durable, CancellationToken cancellationToken, AuditOrigin? origin = null)
    {
        var validation = MilestoneRequestValidator.Validate(policy, name, body);
        if (!validation.IsValid)
        {
            return Problems.Validation(validation.Errors, "The milestone is invalid.");
        }

        if (RunningRelease.Refusal(await RunningRelease.CheckAsync(releases, durable, releaseId, cancellationToken)) is { } refusal)
        {
            return refusal;
        }

        var milestone = validation.Value!;
        var evt = milestone.ToEvent(releaseId, ManualEventRaiser.NewEventId(), time.GetUtcNow());
        var data = new Dictionary<string, string> { ["milestone"] = milestone.Milestone };
        if (milestone.Note is { } note)
        {
            data["note"] = note;
        }

        await audit.RecordAsync(origin ?? new AuditOrigin(AuditChannels.Api), releaseId, AuditActions.Milestone, milestone.By,
            $"Milestone '{milestone.Milestone}' reached.", "promotion.milestones", evt.EventId, data, evt.OccurredAt, cancellationToken);
        await raiser.StoreAndRaiseAsync(evt, durable, cancellationToken);
        return TypedResults.Accepted((string?)null, new MilestoneAccepted(evt.EventId, releaseId, milestone.Milestone));
    }
}
