namespace ReleaseManagement.Configuration;

/// <summary>
/// Marks an options class or property that only the local host (or local development) reads: it is not an app setting
/// of the Functions app in Azure, so infra/ and local.settings.example.json need not set it (tests/Infrastructure.Tests).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, Inherited = false)]
public sealed class LocalOnlySettingAttribute : Attribute
{
    public LocalOnlySettingAttribute(string reason) => Reason = reason;

    /// <summary>Why the setting is local only (shown to readers, not used).</summary>
    public string Reason { get; }
}
