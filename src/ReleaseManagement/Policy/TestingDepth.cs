namespace ReleaseManagement.Policy;

/// <summary>How deep testing must go.</summary>
public enum TestingDepth
{
    Basic,
    Standard,
    Extensive,
}
