namespace ReleaseManagement.Policy;

/// <summary>When a promotion happens.</summary>
public enum PromotionCadence
{
    OnDemand,
    Daily,
    Weekly,
    Milestone,
    ReleaseWindow,
}
