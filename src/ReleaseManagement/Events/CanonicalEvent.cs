namespace ReleaseManagement.Events;

/// <summary>
/// The one vocabulary every pipeline source is normalized to, aligned with CDEvents subjects and predicates.
/// Manual milestones and evidence posted through the API use the same shape.
/// </summary>
public enum CanonicalEventType
{
    /// <summary>CDEvents pipelineRun.finished.</summary>
    PipelineRunFinished,

    /// <summary>CDEvents testSuiteRun.finished (attributes: passed, failed, coverage).</summary>
    TestSuiteRunFinished,

    /// <summary>CDEvents artifact.published (attribute: version).</summary>
    ArtifactPublished,

    /// <summary>CDEvents service.deployed.</summary>
    ServiceDeployed,

    /// <summary>CDEvents service.rolledback.</summary>
    ServiceRolledBack,

    /// <summary>CDEvents change.merged.</summary>
    ChangeMerged,

    /// <summary>CDEvents incident.detected.</summary>
    IncidentDetected,

    /// <summary>CDEvents incident.resolved.</summary>
    IncidentResolved,

    /// <summary>A development milestone reached (attribute: milestone).</summary>
    MilestoneReached,

    /// <summary>Evidence for a quality gate item (attributes: item, and a value or an attestation).</summary>
    GateEvidence,
}

/// <summary>Well-known outcome values of <see cref="CanonicalEvent.Outcome"/>.</summary>
public static class EventOutcomes
{
    public const string Success = "success";
    public const string Failure = "failure";
    public const string Cancelled = "cancelled";
}

/// <summary>Well-known attribute names of <see cref="CanonicalEvent.Attributes"/>.</summary>
public static class EventAttributes
{
    public const string Milestone = "milestone";
    public const string GateItem = "item";
    public const string Value = "value";
    public const string Attestation = "attestation";
    public const string Waiver = "waiver";
    public const string Approver = "approver";

    /// <summary>
    /// The roles the <see cref="Approver"/>'s sign-in claims granted when they gave an attestation or a waiver through the
    /// API (the policy's <c>access.roleClaims</c>), comma-separated. Written only by the API from the signed-in principal;
    /// honoured only on events of source <see cref="EventSources.Api"/>, so no pipeline's event can claim a role.
    /// </summary>
    public const string ClaimedRoles = "claimedRoles";

    /// <summary>
    /// The named pipeline that sent the event: the name of the webhook secret it verified with
    /// (<see cref="WebhookSecrets.PipelineOf"/>); absent for an unnamed secret and for manual entries.
    /// </summary>
    public const string Reporter = "reporter";
    public const string Note = "note";
    public const string TestsPassed = "passed";
    public const string TestsFailed = "failed";
    public const string Coverage = "coverage";
    public const string Version = "version";
    public const string Url = "url";
    public const string Severity = "severity";

    /// <summary>How the event was tied to its release: explicit, branch, tag, version or none.</summary>
    public const string Correlation = "correlation";

    /// <summary>The source's own event type (e.g. workflow_run, build.complete, a CDEvents type).</summary>
    public const string SourceType = "sourceType";
    public const string Branch = "branch";
    public const string Commit = "commit";
    public const string Pipeline = "pipeline";
    public const string Run = "run";
    public const string Repository = "repository";
    public const string Change = "change";

    /// <summary>A merged change's title (pull request title), for the release notes.</summary>
    public const string Title = "title";

    /// <summary>A merged change's author.</summary>
    public const string Author = "author";

    /// <summary>A merged change's labels, comma-separated, for the release notes' grouping (feature, fix, security, configuration).</summary>
    public const string Labels = "labels";
    public const string Artifact = "artifact";
    public const string Incident = "incident";
    public const string Reason = "reason";

    /// <summary>
    /// The step of a production deployment a service-deployed report is for (docs/deployment-strategies.md): CDEvents
    /// <c>customData.step</c>, a GitHub deployment's <c>payload.step</c>, an Azure DevOps variable <c>releaseStep</c>.
    /// </summary>
    public const string Step = "step";

    /// <summary>
    /// The version (or slot) the new one is compared with at a production step's analysis (docs/deployment-strategies.md):
    /// CDEvents <c>customData.baseline</c>, a GitHub deployment's <c>payload.baseline</c>, an Azure DevOps variable
    /// <c>releaseBaseline</c>. Absent: every request the new version did not serve.
    /// </summary>
    public const string Baseline = "baseline";

    /// <summary>Prefix of a reported configuration's settings: <c>setting:databaseServer</c> (secrets as <c>sha256:&lt;hex&gt;</c>).</summary>
    public const string SettingPrefix = "setting:";
}

/// <summary>
/// A pipeline event after verification and normalization.
/// </summary>
/// <param name="EventId">The source's own delivery or event id, prefixed by the source: the deduplication key.</param>
/// <param name="Source">github, azure-devops, cdevents, or api for manual entries.</param>
/// <param name="ReleaseId">The release it was correlated to, or null when it could not be (still stored for metrics).</param>
/// <param name="Environment">development, integration, staging or production, when the event names one.</param>
/// <param name="Outcome">success, failure or cancelled, when the event has one.</param>
public sealed record CanonicalEvent(
    string EventId,
    string Source,
    CanonicalEventType Type,
    DateTimeOffset OccurredAt,
    string? ReleaseId,
    string? System,
    string? Environment,
    string? Outcome,
    IReadOnlyDictionary<string, string> Attributes)
{
    public string? Attribute(string name) => Attributes.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// The W3C <c>traceparent</c> of the span that raised the event to its release (the processor's), so the lifecycle's
    /// effect of it joins the webhook's trace; set only on the copy raised to the orchestration, never stored.
    /// </summary>
    [global::System.Text.Json.Serialization.JsonIgnore(Condition = global::System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? TraceParent { get; init; }
}

/// <summary>
/// The external event names the release orchestration listens on. It keeps one wait open on each for its whole life, so an
/// event that arrives before the step that needs it is kept, not lost.
/// </summary>
public static class ReleaseEventNames
{
    /// <summary>Every canonical event for a release (<see cref="CanonicalEvent"/>) is raised under this one name; the orchestration routes it.</summary>
    public const string Pipeline = "pipeline-event";

    /// <summary>Approval decisions of every stage (<see cref="Approvals.ApprovalDecision"/>, which names its stage).</summary>
    public const string Approval = "approval-decision";

    /// <summary>
    /// Every health reading the post-release monitor takes of the release (<see cref="Ports.HealthReading"/>), breach or
    /// not: the release judges it with its captured policy. The value is historical and kept (hosts and docs use it).
    /// </summary>
    public const string Health = "health-breach";

    /// <summary>A request to cancel the release (<see cref="Orchestration.CancelRequest"/>).</summary>
    public const string Cancel = "cancel";

    /// <summary>A new target production date (<see cref="Orchestration.RescheduleRequest"/>).</summary>
    public const string Reschedule = "reschedule";

    /// <summary>A rollback on demand by a release manager (<see cref="Orchestration.RollbackRequest"/>).</summary>
    public const string Rollback = "rollback";

    /// <summary>
    /// A release manager's retry or skip of the effect the release waits to carry out while its dependency is down
    /// (<see cref="Orchestration.OutageDecision"/>).
    /// </summary>
    public const string Outage = "outage-decision";
}
