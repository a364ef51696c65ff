namespace ReleaseManagement.Policy;

/// <summary>The post-hoc review an emergency (hotfix) release owes after deployment.</summary>
public sealed record EmergencyReviewPolicy
{
    /// <summary>How long after deployment the review is due.</summary>
    public required TimeSpan DueAfter { get; init; }

    /// <summary>How long before it is due a reminder goes out.</summary>
    public required TimeSpan ReminderBefore { get; init; }

    /// <summary>Who is told when the review is overdue: role names or email addresses.</summary>
    public required IReadOnlyList<string> EscalationContacts { get; init; }

    /// <summary>The roles that conduct the review.</summary>
    public required IReadOnlyList<string> ReviewerRoles { get; init; }

    /// <summary>The gate item whose evidence (or attestation) records the review is done (<c>emergency-review</c>).</summary>
    public string EvidenceItem { get; init; } = DefaultEvidenceItem;

    /// <summary>The built-in <see cref="EvidenceItem"/>.</summary>
    public const string DefaultEvidenceItem = "emergency-review";
}
