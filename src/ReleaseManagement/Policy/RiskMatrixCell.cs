namespace ReleaseManagement.Policy;

public sealed record RiskMatrixCell
{
    public required RiskRating Impact { get; init; }

    public required RiskRating Probability { get; init; }

    public required RiskRating Level { get; init; }
}
