using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy;

/// <summary>The four environments of the promotion pipeline, in promotion order.</summary>
public enum DeploymentEnvironment
{
    Development,
    Integration,
    Staging,
    Production,
}

/// <summary>Which promotion route a release type takes.</summary>
public enum PromotionRouteKind
{
    /// <summary>Development, Integration, Staging, Production.</summary>
    Standard,

    /// <summary>The compressed emergency route.</summary>
    Hotfix,
}

/// <summary>When a promotion happens.</summary>
public enum PromotionCadence
{
    OnDemand,
    Daily,
    Weekly,
    Milestone,
    ReleaseWindow,
}

/// <summary>The environment promotion pipeline.</summary>
public sealed record PromotionPolicy
{
    /// <summary>The development milestones a trigger may name (besides gate item ids).</summary>
    public required IReadOnlyList<string> Milestones { get; init; }

    /// <summary>The standard route: Development → Integration → Staging → Production.</summary>
    public required IReadOnlyList<PromotionStep> Route { get; init; }

    /// <summary>The compressed hotfix route.</summary>
    public required IReadOnlyList<PromotionStep> HotfixRoute { get; init; }
}

/// <summary>One transition of the pipeline.</summary>
public sealed record PromotionStep
{
    public required DeploymentEnvironment From { get; init; }

    public required DeploymentEnvironment To { get; init; }

    /// <summary>The evidence that starts the transition: milestones or gate item ids.</summary>
    public required IReadOnlyList<string> Trigger { get; init; }

    /// <summary>The whole quality gates that must pass before the transition.</summary>
    public required IReadOnlyList<GateKind> Gates { get; init; }

    /// <summary>Further checks (gate item ids) that must pass before the transition.</summary>
    public required IReadOnlyList<string> Validation { get; init; }

    /// <summary>The approval stage key that approves the transition, or null when none is needed.</summary>
    public string? ApprovalStage { get; init; }

    /// <summary>When the transition happens.</summary>
    public required IReadOnlyList<PromotionCadence> Cadence { get; init; }
}

/// <summary>Production release windows and blackouts, reckoned in the policy time zone.</summary>
public sealed record ReleaseWindowPolicy
{
    public required IReadOnlyList<WeeklyWindow> Weekly { get; init; }

    public required IReadOnlyList<Blackout> Blackouts { get; init; }
}

/// <summary>
/// A weekly window: opens on <see cref="Day"/> at local time <see cref="Start"/> and stays open for <see cref="Duration"/>
/// (elapsed time). A start inside a daylight-saving gap is moved forward by the jump (02:30 becomes 03:30); a start in a
/// repeated hour opens at its first occurrence.
/// </summary>
public sealed record WeeklyWindow
{
    public required DayOfWeek Day { get; init; }

    public required TimeOnly Start { get; init; }

    public required TimeSpan Duration { get; init; }
}

/// <summary>Dates (inclusive, in the policy time zone) on which no production window opens.</summary>
public sealed record Blackout
{
    public required DateOnly From { get; init; }

    public required DateOnly To { get; init; }

    public required string Reason { get; init; }
}

/// <summary>One concrete opening of a window.</summary>
public sealed record WindowOccurrence(DateTimeOffset Start, DateTimeOffset End)
{
    public bool Contains(DateTimeOffset at) => at >= Start && at < End;
}

/// <summary>The three quality gates of the procedure.</summary>
public enum GateKind
{
    Development,
    Testing,
    Deployment,
}

/// <summary>A quality gate: a checklist of items.</summary>
public sealed record QualityGate
{
    public required IReadOnlyList<GateItem> Items { get; init; }
}

/// <summary>How a gate item is satisfied.</summary>
public enum GateSatisfaction
{
    /// <summary>By pipeline evidence: a pass/fail outcome, or a value measured against <see cref="GateItem.Threshold"/>.</summary>
    Evidence,

    /// <summary>By a named person's attestation.</summary>
    Attestation,
}

/// <summary>One checklist item of a gate.</summary>
public sealed record GateItem
{
    /// <summary>The item's id: evidence, attestations and waivers name it (e.g. <c>test-coverage</c>).</summary>
    public required string Id { get; init; }

    public required string Description { get; init; }

    public required GateSatisfaction SatisfiedBy { get; init; }

    /// <summary>For evidence with a measured value: the bound it must meet. Null: the evidence's pass/fail outcome decides.</summary>
    public Threshold? Threshold { get; init; }

    /// <summary>For attestations: the roles whose members may attest.</summary>
    public required IReadOnlyList<string> AttestationRoles { get; init; }

    /// <summary>Whether a waiver (with reason and approver) may stand in for the item.</summary>
    public required bool Waivable { get; init; }
}

/// <summary>A bound a measured value must meet.</summary>
public sealed record Threshold
{
    public required ThresholdComparison Comparison { get; init; }

    public required decimal Value { get; init; }

    /// <summary>The unit, for messages only (e.g. "%").</summary>
    public required string Unit { get; init; }
}

public enum ThresholdComparison
{
    AtLeast,
    AtMost,
}

/// <summary>The change categories of the change control process.</summary>
public enum ChangeCategory
{
    Standard,
    Normal,
    Emergency,
    Major,
}

/// <summary>What a change category requires and allows.</summary>
public sealed record ChangeCategoryPolicy
{
    public required string Description { get; init; }

    /// <summary>The approval stage keys a change of this category goes through, in order.</summary>
    public required IReadOnlyList<string> ApprovalRoute { get; init; }

    /// <summary>The release types that may carry a change of this category.</summary>
    public required IReadOnlyList<ReleaseType> AllowedReleaseTypes { get; init; }
}

/// <summary>Low, Medium or High: used for impact, probability and the resulting risk level.</summary>
public enum RiskRating
{
    Low,
    Medium,
    High,
}

/// <summary>How deep testing must go.</summary>
public enum TestingDepth
{
    Basic,
    Standard,
    Extensive,
}

/// <summary>The risk matrix: every impact x probability pair mapped to a level, and each level's mitigation.</summary>
public sealed record RiskMatrix
{
    /// <summary>One cell per (impact, probability) pair: all nine must be present.</summary>
    public required IReadOnlyList<RiskMatrixCell> Cells { get; init; }

    public required IReadOnlyDictionary<RiskRating, RiskMitigation> Mitigations { get; init; }
}

public sealed record RiskMatrixCell
{
    public required RiskRating Impact { get; init; }

    public required RiskRating Probability { get; init; }

    public required RiskRating Level { get; init; }
}

/// <summary>What a risk level requires.</summary>
public sealed record RiskMitigation
{
    /// <summary>The mitigation strategy in words.</summary>
    public required string Strategy { get; init; }

    public required TestingDepth TestingDepth { get; init; }

    public required bool PhasedRolloutRequired { get; init; }

    /// <summary>Roles whose approval is needed on top of the release type's.</summary>
    public required IReadOnlyList<string> ExtraApprovalRoles { get; init; }
}

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

/// <summary>One event of the communication timeline.</summary>
public sealed record CommunicationEvent
{
    /// <summary>The event's id (e.g. <c>feature-freeze</c>).</summary>
    public required string Id { get; init; }

    public required string Description { get; init; }

    /// <summary>When, relative to the release's target time: negative before (T-14 is -14 days), positive after.</summary>
    public required TimeSpan Offset { get; init; }

    /// <summary>Who is told (audience names resolved by the notifier).</summary>
    public required IReadOnlyList<string> Audiences { get; init; }

    /// <summary>The message template's name.</summary>
    public required string Template { get; init; }
}

/// <summary>Release success criteria and the post-release watch.</summary>
public sealed record SuccessCriteria
{
    /// <summary>The most critical production issues a successful release may have (zero).</summary>
    public required int MaxCriticalIssues { get; init; }

    /// <summary>Thresholds for systems that name none of their own.</summary>
    public required PerformanceThresholds DefaultThresholds { get; init; }

    /// <summary>How long the release is watched after deployment (24 hours).</summary>
    public required TimeSpan WatchDuration { get; init; }

    /// <summary>
    /// How often the watch expects a health reading. Readings come from the post-release monitor, whose schedule
    /// (<c>PostReleaseMonitorSchedule</c>, every 15 minutes) sets the actual cadence: keep the two alike.
    /// </summary>
    public required TimeSpan CheckInterval { get; init; }
}

/// <summary>Performance targets a system must meet after a release.</summary>
public sealed record PerformanceThresholds
{
    public required decimal MaxErrorRatePercent { get; init; }

    public required int MaxP95LatencyMilliseconds { get; init; }
}

/// <summary>Targets the release metrics are reported against.</summary>
public sealed record MetricTargets
{
    public required decimal MaxDefectEscapeRatePercent { get; init; }

    public required decimal MinTestCoveragePercent { get; init; }

    public required decimal MinDeploymentSuccessRatePercent { get; init; }

    public required decimal MaxRollbacksPerReleaseCycle { get; init; }

    /// <summary>From release approval to production.</summary>
    public required TimeSpan MaxDeploymentTime { get; init; }

    /// <summary>To recover from a deployment issue.</summary>
    public required TimeSpan MaxRecoveryTime { get; init; }

    /// <summary>From change request to production.</summary>
    public required TimeSpan MaxChangeLeadTime { get; init; }

    public required int MinReleasesPerQuarter { get; init; }
}

/// <summary>The post-hoc review an emergency (hotfix) release owes after deployment.</summary>
public sealed record EmergencyReviewPolicy
{
    /// <summary>How long after deployment the review is due.</summary>
    public required TimeSpan DueAfter { get; init; }

    /// <summary>How long before it is due a reminder goes out.</summary>
    public required TimeSpan ReminderBefore { get; init; }

    /// <summary>Who is told when the review is overdue: role names or email addresses.</summary>
    public required IReadOnlyList<string> EscalationContacts { get; init; }

    /// <summary>The roles that conduct the review.</summary>
    public required IReadOnlyList<string> ReviewerRoles { get; init; }

    /// <summary>The gate item whose evidence (or attestation) records the review is done (<c>emergency-review</c>).</summary>
    public string EvidenceItem { get; init; } = DefaultEvidenceItem;

    /// <summary>The built-in <see cref="EvidenceItem"/>.</summary>
    public const string DefaultEvidenceItem = "emergency-review";
}

/// <summary>How a finished test-suite run (a pipeline's <c>TestSuiteRunFinished</c> event) counts as gate evidence.</summary>
public sealed record TestSuiteEvidence
{
    /// <summary>The gate item a run's pass or fail counts for when the event names none (<c>unit-tests</c>).</summary>
    public string ResultItem { get; init; } = "unit-tests";

    /// <summary>The gate item a run's coverage figure counts for, as a measured value (<c>test-coverage</c>).</summary>
    public string CoverageItem { get; init; } = "test-coverage";
}
