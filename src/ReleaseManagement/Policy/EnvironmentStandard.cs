namespace ReleaseManagement.Policy;

/// <summary>The standard one environment must meet.</summary>
public sealed record EnvironmentStandard
{
    public required string Purpose { get; init; }

    public required string Data { get; init; }

    public required string Access { get; init; }

    /// <summary>
    /// Setting name to the value it must have (compared trimmed, case-insensitively), e.g.
    /// <c>encryptionEnabled: "true"</c>, <c>apiEndpoint: "https://api.townepark.com"</c>.
    /// </summary>
    public required IReadOnlyDictionary<string, string> RequiredSettings { get; init; }

    /// <summary>
    /// Settings of <see cref="RequiredSettings"/> that are secrets: compared by SHA-256 hash (the required value may be
    /// given as <c>sha256:&lt;hex&gt;</c>) and never echoed. Optional, default none.
    /// </summary>
    public IReadOnlyList<string> SecretSettings { get; init; } = [];

    /// <summary>Who may waive the <c>environment-configuration</c> gate item for this environment. Optional, default release-manager.</summary>
    public IReadOnlyList<string> ConfigurationWaiverRoles { get; init; } = [PolicyRoles.ReleaseManager];
}
