namespace ReleaseManagement.Policy;

/// <summary>Low, Medium or High: used for impact, probability and the resulting risk level.</summary>
public enum RiskRating
{
    Low,
    Medium,
    High,
}
