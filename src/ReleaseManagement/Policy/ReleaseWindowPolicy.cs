namespace ReleaseManagement.Policy;

/// <summary>Production release windows and blackouts, reckoned in the policy time zone.</summary>
public sealed record ReleaseWindowPolicy
{
    public required IReadOnlyList<WeeklyWindow> Weekly { get; init; }

    public required IReadOnlyList<Blackout> Blackouts { get; init; }
}
