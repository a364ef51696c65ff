namespace ReleaseManagement.Policy;

/// <summary>Which promotion route a release type takes.</summary>
public enum PromotionRouteKind
{
    /// <summary>Development, Integration, Staging, Production.</summary>
    Standard,

    /// <summary>The compressed emergency route.</summary>
    Hotfix,
}
