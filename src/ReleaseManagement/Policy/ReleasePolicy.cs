using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy;

/// <summary>
/// The release procedure as data: every rule that differs per release type, stage, environment or change category.
/// The built-in values (<see cref="ReleasePolicyDefaults"/>) are the procedure's; a deployment may override any of them
/// in <c>config/release-policy.json</c>. Durations are plain <see cref="TimeSpan"/> values so tests can shorten them.
/// The JSON shape (camelCase properties, enum values and enum keys by name) is the one <see cref="PolicyJson"/> reads and writes.
/// </summary>
public sealed record ReleasePolicy
{
    /// <summary>The IANA time zone in which release windows, blackouts and "today" are reckoned (e.g. America/New_York).</summary>
    public required string TimeZone { get; init; }

    /// <summary>The four release types: cadence, planning horizon and approval level of each.</summary>
    public required IReadOnlyDictionary<ReleaseType, ReleaseTypePolicy> ReleaseTypes { get; init; }

    /// <summary>The systems a release may name, by name; each may name its own approvers and performance thresholds.</summary>
    public required IReadOnlyDictionary<string, SystemPolicy> Systems { get; init; }

    /// <summary>Policy-wide approvers: role to people (email addresses). Systems and releases may name their own.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Approvers { get; init; }

    /// <summary>Approval rules per stage, keyed by the stage keys in <see cref="ApprovalStageKeys"/>.</summary>
    public required IReadOnlyDictionary<string, ApprovalRule> Approvals { get; init; }

    /// <summary>The environment promotion pipeline and the compressed hotfix route.</summary>
    public required PromotionPolicy Promotion { get; init; }

    /// <summary>Production release windows (weekly, in <see cref="TimeZone"/>) and blackouts.</summary>
    public required ReleaseWindowPolicy ReleaseWindows { get; init; }

    /// <summary>The development, testing and deployment quality gates.</summary>
    public required IReadOnlyDictionary<GateKind, QualityGate> QualityGates { get; init; }

    /// <summary>
    /// The release documentation a release type may require (<see cref="ReleaseTypePolicy.RequiredDocuments"/>), by id: each
    /// with who may report its link. Optional; default the procedure's five (<see cref="ReleaseDocuments.Defaults"/>).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, ReleaseDocument> Documents { get; init; } = ReleaseDocuments.Defaults;

    /// <summary>Which gate items a finished test-suite run counts for (its result and its coverage). Optional.</summary>
    public TestSuiteEvidence TestSuiteEvidence { get; init; } = new();

    /// <summary>
    /// Optional: which named pipelines (webhook secret names) may send each kind of pipeline event, by canonical event type
    /// (e.g. <c>ServiceDeployed: ["deploy"]</c>). A type not listed may come from any configured pipeline. The evidence items
    /// an event reports are restricted per item instead (<see cref="GateItem.Reporters"/>); both apply
    /// (<see cref="GateEntitlement.PipelineRefusal"/>).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<Events.CanonicalEventType, IReadOnlyList<string>>? PipelineReporters { get; init; }

    /// <summary>What a failed deployment leads to (optional; <see cref="DeploymentPolicy"/>'s defaults).</summary>
    public DeploymentPolicy Deployment { get; init; } = new();

    /// <summary>How long an outage of a dependency is waited out, and how often it is tried (optional; <see cref="ResiliencePolicy"/>'s defaults).</summary>
    public ResiliencePolicy Resilience { get; init; } = new();

    /// <summary>Standard, Normal, Emergency and Major changes: the approval route and release types each allows.</summary>
    public required IReadOnlyDictionary<ChangeCategory, ChangeCategoryPolicy> ChangeCategories { get; init; }

    /// <summary>Impact x probability to a risk level, and each level's mitigation.</summary>
    public required RiskMatrix RiskMatrix { get; init; }

    /// <summary>The configuration every environment must have (security settings, endpoints).</summary>
    public required IReadOnlyDictionary<DeploymentEnvironment, EnvironmentStandard> Environments { get; init; }

    /// <summary>The communication timeline around the target date (T-30 ... T+1).</summary>
    public required IReadOnlyList<CommunicationEvent> Communications { get; init; }

    /// <summary>Release success criteria and the post-release watch.</summary>
    public required SuccessCriteria SuccessCriteria { get; init; }

    /// <summary>Targets for the quality and performance metrics reports compare against.</summary>
    public required MetricTargets MetricTargets { get; init; }

    /// <summary>The post-hoc review every emergency (hotfix) release owes.</summary>
    public required EmergencyReviewPolicy EmergencyReview { get; init; }

    /// <summary>
    /// Who receives the weekly, monthly and quarterly metrics reports: role names (resolved through <see cref="Approvers"/>
    /// and every system's approvers) or email addresses. Optional; defaults to the stakeholders and the release managers.
    /// </summary>
    public IReadOnlyList<string> ReportRecipients { get; init; } = [PolicyRoles.Stakeholder, PolicyRoles.ReleaseManager];

    /// <summary>The audit trail: who may read it. Optional; default release-manager and auditor.</summary>
    public AuditPolicy Audit { get; init; } = new();

    /// <summary>Whether requests may name approvers outside the directory, and roles from sign-in claims. Optional (<see cref="AccessPolicy"/>'s defaults).</summary>
    public AccessPolicy Access { get; init; } = new();

    /// <summary>Delegation while away: who may be a delegate and for how long at most. Optional (<see cref="DelegationPolicy"/>'s defaults).</summary>
    public DelegationPolicy Delegation { get; init; } = new();
    /// <summary>The release planning checklist as a gate shown to plan approvers, and whether plan approval waits for it. Optional.</summary>
    public PlanningPolicy Planning { get; init; } = new();

    /// <summary>
    /// The people the communications reach, by audience name (<c>stakeholders</c>, <c>operations</c>, ...): email
    /// addresses, <c>role:NAME</c> (the role's people for the release) and <c>webhook:NAME</c> (a chat channel). Systems add
    /// to them (<see cref="SystemPolicy.Audiences"/>) and so may a release request. Optional; defaults to
    /// <see cref="ReleasePolicyDefaults.Audiences"/>. Resolved by <see cref="AudienceResolver"/>.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Audiences { get; init; } = ReleasePolicyDefaults.Audiences;

    /// <summary>Who hears a release's outcome (completed, failed, rolled back, cancelled, rejected) and a moved date. Optional; default the stakeholders.</summary>
    public IReadOnlyList<string> OutcomeAudiences { get; init; } = ["stakeholders"];

    /// <summary>
    /// The communication plan's stakeholder meetings (planning before T, review after the watch) as calendar invites.
    /// Optional; defaults to <see cref="ReleasePolicyDefaults.Meetings"/>; an empty list holds none.
    /// </summary>
    public IReadOnlyList<ReleaseMeeting> Meetings { get; init; } = ReleasePolicyDefaults.Meetings;

    /// <summary>The measures release requests' business objectives may name. Optional (none: objectives are attested).</summary>
    public BusinessObjectivesPolicy BusinessObjectives { get; init; } = new();

    /// <summary>The promotion steps a release of <paramref name="type"/> goes through.</summary>
    public IReadOnlyList<PromotionStep> PromotionRoute(ReleaseType type) =>
        ReleaseTypes[type].PromotionRoute == PromotionRouteKind.Hotfix ? Promotion.HotfixRoute : Promotion.Route;
}

/// <summary>The approval stage keys the policy defines rules for (and the orchestration asks decisions on).</summary>
public static class ApprovalStageKeys
{
    public const string Plan = "plan";
    public const string PromotionIntegration = "promotion:integration";
    public const string PromotionStaging = "promotion:staging";
    public const string PromotionProduction = "promotion:production";
    public const string Emergency = "emergency";

    public static readonly IReadOnlyList<string> All = [Plan, PromotionIntegration, PromotionStaging, PromotionProduction, Emergency];

    /// <summary>The key of the stage that approves promotion into <paramref name="environment"/>.</summary>
    public static string Promotion(DeploymentEnvironment environment) => $"promotion:{environment.ToString().ToLowerInvariant()}";
}

/// <summary>Well-known approver roles used by the built-in policy. Roles are free strings; these are only the defaults.</summary>
public static class PolicyRoles
{
    public const string Executive = "executive";
    public const string Stakeholder = "stakeholder";
    public const string ProductOwner = "product-owner";
    public const string TechnicalLead = "technical-lead";
    public const string QaLead = "qa-lead";
    public const string ReleaseManager = "release-manager";

    /// <summary>Reads audit trails (<see cref="AuditPolicy.ReaderRoles"/>); decides nothing.</summary>
    public const string Auditor = "auditor";
}

/// <summary>One release type's cadence, horizon and approval level.</summary>
public sealed record ReleaseTypePolicy
{
    /// <summary>How often releases of this type happen ("Quarterly"); read by <see cref="ReleaseCadence"/> and enforced by <see cref="FrequencyRule"/>.</summary>
    public required string Frequency { get; init; }

    /// <summary>What a release of this type contains (informational).</summary>
    public required string Content { get; init; }

    /// <summary>How far ahead of its target date a release of this type must be requested.</summary>
    public required PlanningHorizon PlanningHorizon { get; init; }

    /// <summary>The approval level in words (informational: "Executive and stakeholder approval").</summary>
    public required string ApprovalLevel { get; init; }

    /// <summary>The approval stage the release is planned under: <c>plan</c>, or <c>emergency</c> for hotfixes.</summary>
    public required string ApprovalStage { get; init; }

    /// <summary>The roles whose approval the plan needs; empty means the stage rule's own roles.</summary>
    public required IReadOnlyList<string> ApprovalRoles { get; init; }

    /// <summary>Whether production deployment must fall inside a release window (false for hotfixes).</summary>
    public required bool UsesReleaseWindows { get; init; }

    /// <summary>Which promotion route the release takes.</summary>
    public required PromotionRouteKind PromotionRoute { get; init; }

    /// <summary>
    /// What a request over the type's cadence (<see cref="ReleaseCadence"/>, read from <see cref="Frequency"/>) gets:
    /// a warning (default), the release manager added to the plan approval, or a 400. Optional.
    /// </summary>
    public FrequencyRule FrequencyRule { get; init; } = FrequencyRule.Warn;

    /// <summary>
    /// The documents (ids of <see cref="ReleasePolicy.Documents"/>) a release of this type needs linked before production:
    /// items of its gate before production (<see cref="ReleaseDocuments.ItemsFor"/>). Optional; null or empty: none (so a
    /// release started before this setting existed keeps its gates).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? RequiredDocuments { get; init; }
}

/// <summary>The lead time between request and target date a release type allows.</summary>
/// <remarks>Measured in whole days from today to the target date, both in the policy time zone.</remarks>
public sealed record PlanningHorizon
{
    public required TimeSpan MinLeadTime { get; init; }

    public required TimeSpan MaxLeadTime { get; init; }
}

/// <summary>A system releases can name.</summary>
public sealed record SystemPolicy
{
    public required string Description { get; init; }

    /// <summary>Approvers for releases touching this system: role to people. Adds to the policy-wide approvers.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Approvers { get; init; }

    /// <summary>The system's post-release performance thresholds; null means <see cref="SuccessCriteria.DefaultThresholds"/>.</summary>
    public PerformanceThresholds? Thresholds { get; init; }

    /// <summary>Additions to the policy's audiences for releases touching this system (same entries as <see cref="ReleasePolicy.Audiences"/>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Audiences { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>
    /// The systems this one is deployed after, in every environment, when a release brings both (<see cref="DeploymentOrder"/>):
    /// it is asked for only once they are deployed (and, stepwise in production, through their steps); a rollback goes in
    /// reverse. Optional; default none.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? DependsOn { get; init; }
}

/// <summary>How an approval stage is decided.</summary>
public sealed record ApprovalRule
{
    /// <summary>The roles whose members may decide (and, for <see cref="Quorum.All"/>, each of which must approve).</summary>
    public required IReadOnlyList<string> RequiredRoles { get; init; }

    /// <summary>All: one approval from every required role. Any: one approval from any required role.</summary>
    public required Quorum Quorum { get; init; }

    /// <summary>How long the stage waits for its decisions.</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>How long before the timeout a reminder goes to those who have not decided.</summary>
    public required TimeSpan ReminderBefore { get; init; }

    /// <summary>Who is told on escalation: role names (resolved like approvers) or email addresses.</summary>
    public required IReadOnlyList<string> EscalationContacts { get; init; }

    /// <summary>What a timeout does: reject at once, or escalate and reject after <see cref="EscalationTimeout"/>.</summary>
    public required TimeoutOutcome OnTimeout { get; init; }

    /// <summary>With <see cref="TimeoutOutcome.EscalateThenReject"/>: how long the escalated stage waits before rejecting.</summary>
    public required TimeSpan EscalationTimeout { get; init; }

    /// <summary>Whether the release's requester may decide on it. Off by default (separation of duties).</summary>
    public bool RequesterMayApprove { get; init; }

    /// <summary>
    /// Whether an approval counts while a gate of the stage is failing. Off by default: the page shows no approve button,
    /// the API answers 409, and the orchestration refuses such an approval (a rejection always counts).
    /// </summary>
    public bool AllowWithFailingGates { get; init; }
}

public enum Quorum
{
    /// <summary>Every required role approves (one member each).</summary>
    All,

    /// <summary>One member of any required role approves.</summary>
    Any,
}

public enum TimeoutOutcome
{
    Reject,
    EscalateThenReject,
}
