using System.Text.Json.Serialization;

namespace ReleaseManagement.Policy;

/// <summary>
/// <c>businessObjectives</c>: the measures a release's objectives may name (their KQL lives in the app settings
/// <c>Monitoring__Objectives__NAME</c>, with the workspace), and how long after a deployment a measured objective may be
/// checked. Optional; by default no measures (an objective is then attested by a person).
/// </summary>
public sealed record BusinessObjectivesPolicy
{
    /// <summary>Measure name → what it is and its unit.</summary>
    public IReadOnlyDictionary<string, ObjectiveMeasure> Measures { get; init; } = new Dictionary<string, ObjectiveMeasure>(StringComparer.Ordinal);

    /// <summary>The latest checkpoint an objective may name after the production deployment. Default 90 days.</summary>
    public TimeSpan MaxAfter { get; init; } = TimeSpan.FromDays(90);

    /// <summary>The most objectives a request may carry. Default 10.</summary>
    public int MaxObjectives { get; init; } = 10;
}

/// <summary>A measure of business objectives: what it is, in which unit.</summary>
public sealed record ObjectiveMeasure
{
    public required string Description { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Unit { get; init; }
}
