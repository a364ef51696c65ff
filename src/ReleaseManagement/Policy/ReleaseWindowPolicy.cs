namespace ReleaseManagement.Policy;

/// <summary>Production release windows and blackouts, reckoned in the policy time zone.</summary>
public sealed record ReleaseWindowPolicy
{
    public required IReadOnlyList<WeeklyWindow> Weekly { get; init; }

    public required IReadOnlyList<Blackout> Blackouts { get; init; }

    /// <summary>
    /// What two active releases touching a common system in the same production window get (<see cref="ReleaseConflicts"/>):
    /// a warning on both (default) or a 400 for the later request. Optional.
    /// </summary>
    public ConflictRule Conflicts { get; init; } = ConflictRule.Warn;
}
