namespace ReleaseManagement.Policy;

/// <summary>
/// Who may attest, waive or report a gate item of a release, in one place for the evidence handler (which refuses the
/// others with 403) and <see cref="GateEvaluator"/> (which ignores what reached the release some other way): an
/// attestation needs a holder of one of the item's <see cref="GateItem.AttestationRoles"/> (anyone when it names none); a
/// waiver a holder of one of its <see cref="GateItem.WaiverRoles"/> (nobody when it names none); evidence (a report) by
/// hand a holder of one of its <see cref="GateItem.ReporterRoles"/> (nobody when it names none: machine evidence comes from
/// pipelines, unless <see cref="AccessPolicy.PeopleMayReportMachineEvidence"/> lets anyone); a pipeline's report one of
/// its <see cref="GateItem.Reporters"/>, the named pipelines (any configured pipeline when it names none), judged at the
/// webhook before anything is stored (<see cref="PipelineRefusal"/>, which also applies
/// <see cref="ReleasePolicy.PipelineReporters"/> to events that report no evidence). The sign-off of a step that ended without health data is such an
/// attestation (<see cref="SignOffItem"/>), judged here for the orchestration's MissingHealthDataStep too. On top of the
/// roles, four eyes (<see cref="FourEyes"/>): the release's requester neither waives, signs off nor reviews it
/// (<see cref="Refusal"/>).
/// </summary>
public static class GateEntitlement
{
    /// <summary>The roles that entitle someone to give <paramref name="kind"/> (an <see cref="EvidenceKinds"/> value) for <paramref name="item"/>; empty when it is not restricted by role.</summary>
    public static IReadOnlyList<string> RolesFor(GateItem item, string kind)
    {
        ArgumentNullException.ThrowIfNull(item);
        return kind switch
        {
            EvidenceKinds.Attestation => item.AttestationRoles,
            EvidenceKinds.Waiver => item.WaiverRoles,
            EvidenceKinds.Evidence or EvidenceKinds.Configuration or EvidenceKinds.Document => item.ReporterRoles ?? [],
            _ => [],
        };
    }

    /// <summary>
    /// Whether <paramref name="by"/> may give <paramref name="kind"/> for <paramref name="item"/> by hand, with the release's
    /// people by role (<see cref="ApproverDirectory.Resolve"/>) and the policy's <see cref="AccessPolicy"/> (null: the
    /// default, no one reports machine evidence by hand).
    /// </summary>
    public static bool Allows(GateItem item, string kind, string by, IReadOnlyDictionary<string, IReadOnlyList<string>> approvers, AccessPolicy? access = null)
    {
        ArgumentNullException.ThrowIfNull(approvers);
        var roles = RolesFor(item, kind);
        if (roles.Count == 0)
        {
            return kind switch
            {
                EvidenceKinds.Waiver => false,
                EvidenceKinds.Evidence or EvidenceKinds.Configuration or EvidenceKinds.Document => access?.PeopleMayReportMachineEvidence == true,
                _ => true,
            };
        }

        return ApproverDirectory.RolesOf(approvers, roles, by).Count > 0;
    }

    /// <summary>
    /// Whether <paramref name="item"/> is machine evidence no person reports by hand under <paramref name="access"/>: an
    /// evidence item naming no <see cref="GateItem.ReporterRoles"/>, while the policy does not let people report it.
    /// </summary>
    public static bool PipelinesOnly(GateItem item, AccessPolicy access)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(access);
        return item.SatisfiedBy is GateSatisfaction.Evidence or GateSatisfaction.Document && item.ReporterRoles is not { Count: > 0 } && !access.PeopleMayReportMachineEvidence;
    }

    /// <summary>
    /// Why <paramref name="by"/> may not give <paramref name="kind"/> for <paramref name="item"/> of a release with the people
    /// <paramref name="approvers"/> and the four-eyes rule <paramref name="fourEyes"/>, or null when they may: first four
    /// eyes (the requester, whatever roles they hold), then the roles (<see cref="Allows"/>).
    /// </summary>
    public static string? Refusal(
        ReleasePolicy policy, GateItem item, string kind, string by, IReadOnlyDictionary<string, IReadOnlyList<string>> approvers, FourEyes fourEyes)
    {
        ArgumentNullException.ThrowIfNull(fourEyes);
        if (fourEyes.Refusal(policy, item, kind, by) is { } own)
        {
            return own;
        }

        if (Allows(item, kind, by, approvers, policy.Access))
        {
            return null;
        }

        if (MachineEvidenceRefusal(item, kind, policy.Access) is { } machine)
        {
            return machine;
        }

        return $"{by} holds none of the roles that may {Verb(kind)} '{item.Id}' for this release ({string.Join(", ", RolesFor(item, kind))}).";
    }

    /// <summary>
    /// Why nobody may give <paramref name="kind"/> for <paramref name="item"/> by hand under <paramref name="access"/> (a
    /// report of machine evidence, <see cref="PipelinesOnly"/>), or null when that is not the reason.
    /// </summary>
    public static string? MachineEvidenceRefusal(GateItem item, string kind, AccessPolicy access) =>
        kind is EvidenceKinds.Evidence or EvidenceKinds.Configuration or EvidenceKinds.Document && PipelinesOnly(item, access) ? MachineEvidence(item) : null;

    private static string MachineEvidence(GateItem item) =>
        $"'{item.Id}' is machine evidence: a pipeline reports it through a signed webhook (docs/pipeline-events.md). A person may " +
        "attest or waive an item where the policy allows, and report one by hand only where the item names reporterRoles.";

    /// <summary>What giving <paramref name="kind"/> is called in a refusal: waive, attest or report.</summary>
    public static string Verb(string kind) => kind switch
    {
        EvidenceKinds.Waiver => "waive",
        EvidenceKinds.Attestation => "attest",
        _ => "report",
    };

    /// <summary>
    /// Whether the pipeline <paramref name="pipeline"/> (a webhook secret's name, <see cref="Events.WebhookSecrets.PipelineOf"/>;
    /// null for an unnamed secret) may report <paramref name="item"/>: any pipeline when the item names no
    /// <see cref="GateItem.Reporters"/>, else only the named ones (never an unnamed secret).
    /// </summary>
    public static bool PipelineMayReport(GateItem item, string? pipeline)
    {
        ArgumentNullException.ThrowIfNull(item);
        return Named(item.Reporters, pipeline);
    }

    /// <summary>
    /// The gate items a pipeline event reports, as the release counts them (<c>ReleaseInbox.GateInputs</c>): a gate evidence
    /// event's item (its evidence, or an attestation or waiver it carries); a finished test-suite run's item (its own, else
    /// <see cref="TestSuiteEvidence.ResultItem"/>) and, with a coverage figure, <see cref="TestSuiteEvidence.CoverageItem"/>.
    /// Empty for every other event.
    /// </summary>
    public static IReadOnlyList<string> ItemsReportedBy(ReleasePolicy policy, Events.CanonicalEvent evt)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(evt);
        return evt.Type switch
        {
            Events.CanonicalEventType.GateEvidence when evt.Attribute(Events.EventAttributes.GateItem) is { } item => [item],
            Events.CanonicalEventType.TestSuiteRunFinished => decimal.TryParse(
                evt.Attribute(Events.EventAttributes.Coverage), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)
                ? [evt.Attribute(Events.EventAttributes.GateItem) ?? policy.TestSuiteEvidence.ResultItem, policy.TestSuiteEvidence.CoverageItem]
                : [evt.Attribute(Events.EventAttributes.GateItem) ?? policy.TestSuiteEvidence.ResultItem],
            _ => [],
        };
    }

    /// <summary>
    /// Why the pipeline <paramref name="pipeline"/> (null: an unnamed secret) may not send <paramref name="evt"/>, or null
    /// when it may: its event type must be open to it (<see cref="ReleasePolicy.PipelineReporters"/>), and so must every
    /// item it reports (<see cref="ItemsReportedBy"/>, <see cref="PipelineMayReport"/>). An item the policy does not define
    /// is not restricted (the release ignores it).
    /// </summary>
    public static string? PipelineRefusal(ReleasePolicy policy, Events.CanonicalEvent evt, string? pipeline)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(evt);
        var who = pipeline is null ? "An unnamed webhook secret" : $"Pipeline '{pipeline}'";
        if (policy.PipelineReporters is { } byType && byType.TryGetValue(evt.Type, out var senders) && !Named(senders, pipeline))
        {
            return $"{who} may not send {evt.Type} events: the policy's pipelineReporters name {string.Join(", ", senders)}.";
        }

        foreach (var id in ItemsReportedBy(policy, evt))
        {
            if (GateItemInputs.Find(policy, id) is { } item && !PipelineMayReport(item, pipeline))
            {
                return $"{who} may not report '{item.Id}': its reporters are {string.Join(", ", item.Reporters!)}.";
            }
        }

        return null;
    }

    private static bool Named(IReadOnlyList<string>? names, string? pipeline) =>
        names is not { Count: > 0 } || (pipeline is not null && names.Any(n => string.Equals(n.Trim(), pipeline, StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// The item whose attestation signs off a post-deployment validation or watch that ended without health data: the item
    /// the evidence route finds for <see cref="SuccessCriteria.SignOffItem"/> (<see cref="GateItemInputs.Find"/>: a gate's own
    /// item of that id, else <see cref="GateItemInputs.SignOff"/>, attested by <see cref="SuccessCriteria.SignOffRoles"/>), so
    /// the evidence handler and the waiting step judge the same attestation alike.
    /// </summary>
    public static GateItem SignOffItem(ReleasePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return GateItemInputs.Find(policy, policy.SuccessCriteria.SignOffItem) ?? GateItemInputs.SignOff(policy);
    }

    /// <summary>
    /// Whether <paramref name="by"/> may sign off a step that ended without health data (<see cref="SignOffItem"/>, by
    /// <see cref="Refusal"/>: a holder of its roles who did not request the release, unless <paramref name="fourEyes"/> lets them).
    /// </summary>
    public static bool MaySignOff(ReleasePolicy policy, string by, IReadOnlyDictionary<string, IReadOnlyList<string>> approvers, FourEyes? fourEyes = null) =>
        Refusal(policy, SignOffItem(policy), EvidenceKinds.Attestation, by, approvers, fourEyes ?? FourEyes.None) is null;
}
