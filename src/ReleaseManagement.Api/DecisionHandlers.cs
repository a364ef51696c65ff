using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Approvals;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>The body of <c>POST /api/releases/{id}/decisions</c>.</summary>
public sealed class DecisionBody
{
    public string? Stage { get; set; }
    public string? Decision { get; set; }
    public string? Approver { get; set; }
    public string? Comment { get; set; }
}

/// <summary>Records an approval decision and raises it to the release's orchestration.</summary>
public sealed partial class DecisionHandlers(IReleaseStore store, TimeProvider time, ILogger<DecisionHandlers> log)
{
    public const int MaxCommentLength = 2000;

    private static readonly string[] KnownStages = [ApprovalStages.Plan];

    /// <summary><c>POST /api/releases/{id}/decisions</c>: 202 when the decision was delivered to the waiting release.</summary>
    public async Task<IResult> DecideAsync(string releaseId, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<DecisionBody>(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var stage = body!.Stage?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(stage))
        {
            errors.Add("stage", "The stage is required.");
        }
        else if (!KnownStages.Contains(stage))
        {
            errors.Add("stage", $"'{body.Stage}' is not an approval stage: use one of {string.Join(", ", KnownStages)}.");
        }

        bool? approved = body.Decision?.Trim().ToLowerInvariant() switch
        {
            "approve" or "approved" => true,
            "reject" or "rejected" => false,
            _ => null,
        };
        if (approved is null)
        {
            errors.Add("decision", "The decision must be 'approve' or 'reject'.");
        }

        var approver = body.Approver?.Trim();
        if (string.IsNullOrEmpty(approver))
        {
            errors.Add("approver", "The approver is required.");
        }
        else if (approver.Length > 254 || !approver.Contains('@'))
        {
            errors.Add("approver", "The approver must be an email address.");
        }

        if (body.Comment is { Length: > MaxCommentLength })
        {
            errors.Add("comment", $"The comment must be at most {MaxCommentLength} characters.");
        }

        if (errors.Any)
        {
            return Problems.Validation(errors.ToDictionary(), "The decision is invalid.");
        }

        if (!ReleaseIds.IsValid(releaseId) || await store.GetAsync(releaseId, cancellationToken) is null)
        {
            return Problems.NotFound("No such release.", $"There is no release '{releaseId}'.");
        }

        var instance = await durable.GetInstanceAsync(releaseId, cancellationToken);
        if (instance is null || instance.IsCompleted)
        {
            return Problems.Conflict(
                "The release is not waiting for decisions.",
                $"Release '{releaseId}' is {(instance is null ? "not started" : instance.RuntimeStatus.ToString())}.");
        }

        var decision = new ApprovalDecision(Guid.NewGuid().ToString("N"), stage!, approved!.Value, approver!, body.Comment, time.GetUtcNow());
        await durable.RaiseEventAsync(releaseId, ApprovalStages.EventName(stage!), decision, cancellationToken);
        LogDecision(log, releaseId, stage!, approved.Value, decision.DecisionId);
        return ApiJson.Json(new { decisionId = decision.DecisionId, releaseId, stage }, StatusCodes.Status202Accepted);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Decision {DecisionId} on release {ReleaseId} stage {Stage}: approved={Approved}")]
    private static partial void LogDecision(ILogger logger, string releaseId, string stage, bool approved, string decisionId);
}
