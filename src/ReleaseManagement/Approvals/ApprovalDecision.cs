namespace ReleaseManagement.Approvals;

/// <summary>A person's decision on an approval stage, as raised to the release orchestration.</summary>
/// <param name="DecisionId">Unique per decision: a decision raised twice (a retry) is applied once.</param>
/// <param name="Role">The role the approver decided in (from their approval request), when known: what quorum counts.</param>
public sealed record ApprovalDecision(
    string DecisionId,
    string Stage,
    bool Approved,
    string Approver,
    string? Comment,
    DateTimeOffset DecidedAt,
    string? Role = null);

/// <summary>The stages a release asks approval for, and the event name each is raised under.</summary>
public static class ApprovalStages
{
    public const string Plan = "plan";

    /// <summary>
    /// The external event name decisions on <paramref name="stage"/> are raised under: one name for every stage
    /// (the decision names its stage), so the orchestration can keep one wait open for decisions all its life.
    /// </summary>
    public static string EventName(string stage) => Events.ReleaseEventNames.Approval;
}
