namespace ReleaseManagement.Policy;

/// <summary>Dates (inclusive, in the policy time zone) on which no production window opens.</summary>
public sealed record Blackout
{
    public required DateOnly From { get; init; }

    public required DateOnly To { get; init; }

    public required string Reason { get; init; }
}
