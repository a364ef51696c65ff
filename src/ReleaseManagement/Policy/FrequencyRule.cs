namespace ReleaseManagement.Policy;

/// <summary>What a release request over its type's cadence gets (<see cref="ReleaseTypePolicy.FrequencyRule"/>).</summary>
public enum FrequencyRule
{
    /// <summary>Accepted, with an <c>over-cadence</c> warning on the release (shown to its plan approvers) (default).</summary>
    Warn,

    /// <summary>Accepted with the warning, and the release manager role is added to the plan approval.</summary>
    RequireApproval,

    /// <summary>Refused: 400 naming the releases it collides with; nothing is stored.</summary>
    Refuse,
}

/// <summary>What two releases in the same production window get (<see cref="ReleaseWindowPolicy.Conflicts"/>).</summary>
public enum ConflictRule
{
    /// <summary>Both releases carry a <c>window-conflict</c> warning naming the other (default).</summary>
    Warn,

    /// <summary>The later request (or reschedule) is refused: 400 naming the releases it conflicts with.</summary>
    Refuse,
}
