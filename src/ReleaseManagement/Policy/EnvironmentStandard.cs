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
}
