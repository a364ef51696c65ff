namespace ReleaseManagement.Policy;

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

    /// <summary>
    /// Who may waive the item (when <see cref="Waivable"/>): role names, resolved through the release's approvers. Optional;
    /// default <see cref="DefaultWaiverRoles"/> (the release manager). A waiver by anyone else is refused (403) and ignored
    /// by <see cref="GateEvaluator"/>.
    /// </summary>
    public IReadOnlyList<string> WaiverRoles { get; init; } = DefaultWaiverRoles;

    /// <summary>The built-in <see cref="WaiverRoles"/>: the release manager.</summary>
    public static readonly IReadOnlyList<string> DefaultWaiverRoles = [PolicyRoles.ReleaseManager];

    /// <summary>
    /// Optional, evidence items: the named pipelines (webhook secret names, <see cref="Events.WebhookSecrets"/>) that may
    /// report the item. A pipeline event reporting it from any other pipeline, or over an unnamed secret, is refused at the
    /// webhook (403, nothing stored: <see cref="GateEntitlement.PipelineRefusal"/>). Null or empty: any configured pipeline.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Reporters { get; init; }

    /// <summary>
    /// Optional, evidence items: the roles whose members may report the item by hand (<c>POST .../evidence</c>, kind
    /// evidence or configuration), for an item where a person's report is the evidence. Null or empty: anyone who may use
    /// the evidence route (as before this setting).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? ReporterRoles { get; init; }
    /// Optional: the environment the item's evidence must be about (the event's or the API's <c>environment</c>);
    /// evidence about another environment, or naming none, is <see cref="GateVerdict.Stale"/> (<see cref="EvidenceFreshness"/>).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public DeploymentEnvironment? Environment { get; init; }

    /// <summary>Optional: how old the item's evidence may be when the gate is evaluated (and again just before the deployment).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public TimeSpan? MaxAge { get; init; }
}
