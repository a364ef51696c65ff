namespace ReleaseManagement.Events;

/// <summary>How an event was tied to its release (stored as the <c>correlation</c> attribute).</summary>
public static class CorrelationRules
{
    public const string Explicit = "explicit";
    public const string Branch = "branch";
    public const string Tag = "tag";
    public const string Version = "version";
    public const string None = "none";
}
