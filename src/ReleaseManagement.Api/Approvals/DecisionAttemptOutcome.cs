namespace ReleaseManagement.Api.Approvals;

/// <summary>
/// What became of an attempt to decide through a link or the decision API (and, for a link opened, whether it still
/// decides: <see cref="Recorded"/> then means open). Not the quorum's verdict on a decision (<see cref="ReleaseManagement.Policy.DecisionOutcome"/>).
/// </summary>
public enum DecisionAttemptOutcome
{
    /// <summary>The decision was recorded and raised to the release.</summary>
    Recorded,

    /// <summary>The link was used before; nothing was recorded now.</summary>
    AlreadyDecided,

    /// <summary>The link is past its deadline.</summary>
    Expired,

    /// <summary>The stage was decided or expired, or the release no longer waits for decisions.</summary>
    Closed,

    /// <summary>No such link (or release): unknown, altered or never issued.</summary>
    NotFound,

    /// <summary>A signed-in approver is required and there is none.</summary>
    NotSignedIn,

    /// <summary>The signed-in user is not the approver.</summary>
    WrongApprover,

    /// <summary>The approver requested the release and may not approve it.</summary>
    RequesterMayNotApprove,

    /// <summary>
    /// The person already decided this stage (perhaps for another role they hold): a person counts for one role only, so
    /// nothing was recorded; <see cref="DecisionAttemptResult.Decision"/> is their earlier decision.
    /// </summary>
    PersonAlreadyDecided,

    /// <summary>
    /// An approval while a gate of the stage is failing, which the stage's rule does not allow
    /// (<c>approvals.&lt;stage&gt;.allowWithFailingGates</c>); <see cref="DecisionAttemptResult.BlockedBy"/> says why. A rejection is accepted.
    /// </summary>
    GateFailing,

    /// <summary>
    /// A decision for someone else (<c>onBehalfOf</c>) without a delegation from them running now that covers the role, or
    /// one four eyes forbid (the delegate or the owner requested the release); <see cref="DecisionAttemptResult.Refusal"/> says which.
    /// </summary>
    DelegationRefused,

    /// <summary>
    /// The person holds none of the stage's roles in the release's directory, in their own right or under the delegation
    /// they decide for: the lifecycle would not count the decision (<see cref="ReleaseManagement.Policy.ApprovalQuorum"/>),
    /// so the API refuses it before recording it.
    /// </summary>
    NotAnApprover,
}
