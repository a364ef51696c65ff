namespace ReleaseManagement.Policy;

/// <summary>One concrete opening of a window.</summary>
public sealed record WindowOccurrence(DateTimeOffset Start, DateTimeOffset End)
{
    public bool Contains(DateTimeOffset at) => at >= Start && at < End;
}
