namespace ReleaseManagement.Approvals;

/// <summary>A person's decision on an approval stage, as raised to the release orchestration.</summary>
/// <param name="DecisionId">Unique per decision: a decision raised twice (a retry) is applied once.</param>
/// <param name="Role">The role the approver decided in (from their approval request), when known: what quorum counts.</param>
/// <param name="OnBehalfOf">
/// The person <see cref="Approver"/> decided for, under a delegation the API found running (<see cref="Delegation"/>);
/// null for a decision in one's own name. The quorum counts it in the owner's roles, the approver still once.
/// </param>
/// <param name="DelegatedRoles">The roles that delegation hands over (null or empty: all the owner holds).</param>
/// <param name="ClaimedRoles">
/// The roles the approver's sign-in claims granted when they decided (the policy's <c>access.roleClaims</c>), on top of the
/// directory; set by the API from the signed-in principal, never from a body.
/// </param>
public sealed record ApprovalDecision(
    string DecisionId,
    string Stage,
    bool Approved,
    string Approver,
    string? Comment,
    DateTimeOffset DecidedAt,
    string? Role = null,
    string? OnBehalfOf = null,
    IReadOnlyList<string>? DelegatedRoles = null,
    IReadOnlyList<string>? ClaimedRoles = null)
{
    /// <summary>Who decided, in words: "X", or "X for Y" under a delegation.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string DecidedBy => DecisionNaming.Of(Approver, OnBehalfOf);
}

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
