using ReleaseManagement.Policy;

namespace ReleaseManagement.Releases;

/// <summary>A validated request to start a release.</summary>
/// <param name="Approvers">Role to people named for this release; they replace the policy's and the systems' people for those roles.</param>
/// <param name="ChangeCategory">The change category; null means the type's usual one (<see cref="ReleaseRequestDefaults.CategoryFor"/>).</param>
/// <param name="Impact">The assessed impact, for the risk matrix.</param>
/// <param name="Probability">The assessed probability of trouble, for the risk matrix.</param>
/// <param name="Scope">What the release contains (planning: the scope definition). Optional.</param>
/// <param name="Notes">Planning notes in words (objectives, resources, timeline, dependencies). Optional.</param>
/// <param name="ReclassifiedFrom">The category requested when the policy moved the request to another one (risk above its maximum).</param>
/// <param name="Audiences">People (email addresses) this release adds to the policy's audiences, by audience name.</param>
/// <param name="Objectives">The business objectives the release is judged by after it ships (measured or attested). Optional.</param>
/// <param name="FeatureFlags">The feature flags the release brings, turned on step by step after its production deployment. Optional.</param>
public sealed record ReleaseRequest(
    string Id,
    string Title,
    ReleaseType Type,
    IReadOnlyList<string> Systems,
    DateOnly TargetDate,
    string? RequestedBy = null,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Approvers = null,
    ChangeCategory? ChangeCategory = null,
    RiskRating Impact = RiskRating.Medium,
    RiskRating Probability = RiskRating.Medium,
    IReadOnlyList<ScopeItem>? Scope = null,
    string? Notes = null,
    ChangeCategory? ReclassifiedFrom = null,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Audiences = null,
    IReadOnlyList<Objectives.BusinessObjective>? Objectives = null,
    IReadOnlyList<FeatureFlag>? FeatureFlags = null)
{
    /// <summary>The change category in force: the one requested, else the type's usual one.</summary>
    public ChangeCategory EffectiveChangeCategory => ChangeCategory ?? ReleaseRequestDefaults.CategoryFor(Type);
}

/// <summary>Defaults of optional request fields.</summary>
public static class ReleaseRequestDefaults
{
    /// <summary>Major releases are Major changes, hotfixes Emergency changes, the rest Normal changes.</summary>
    public static ChangeCategory CategoryFor(ReleaseType type) => type switch
    {
        ReleaseType.Major => Policy.ChangeCategory.Major,
        ReleaseType.Hotfix => Policy.ChangeCategory.Emergency,
        _ => Policy.ChangeCategory.Normal,
    };
}

/// <summary>
/// The body of <c>POST /api/releases</c> as received: every field optional so that validation
/// can report every problem at once instead of failing on the first.
/// </summary>
public sealed record ReleaseRequestBody
{
    public string? Id { get; init; }
    public string? Title { get; init; }
    public string? Type { get; init; }
    public List<string?>? Systems { get; init; }
    public string? TargetDate { get; init; }
    public string? RequestedBy { get; init; }
    public Dictionary<string, List<string?>?>? Approvers { get; init; }
    public string? ChangeCategory { get; init; }
    public string? Impact { get; init; }
    public string? Probability { get; init; }
    public List<ScopeItemBody?>? Scope { get; init; }
    public string? Notes { get; init; }
    public Dictionary<string, List<string?>?>? Audiences { get; init; }
    public List<ObjectiveBody?>? Objectives { get; init; }
    public List<FeatureFlagBody?>? FeatureFlags { get; init; }
}

/// <summary>One business objective as received (<see cref="Objectives.BusinessObjective"/>).</summary>
public sealed record ObjectiveBody
{
    public string? Id { get; init; }
    public string? Description { get; init; }
    public string? Measure { get; init; }
    public string? Comparison { get; init; }
    public decimal? Target { get; init; }
    public List<string?>? After { get; init; }
    public string? AttestedBy { get; init; }
}

/// <summary>What one item of a release's scope is.</summary>
public enum ScopeKind
{
    Feature,
    Fix,
    Configuration,
    Security,
}

/// <summary>One item of a release's scope: a title, an optional link (http or https) and its kind.</summary>
public sealed record ScopeItem(string Title, ScopeKind Kind, string? Link = null);

/// <summary>A scope item as received.</summary>
public sealed record ScopeItemBody
{
    public string? Title { get; init; }
    public string? Link { get; init; }
    public string? Kind { get; init; }
}
