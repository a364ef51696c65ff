namespace ReleaseManagement.Policy;

/// <summary>
/// Who may attest, waive or report a gate item of a release, in one place for the evidence handler (which refuses the
/// others with 403) and <see cref="GateEvaluator"/> (which ignores what reached the release some other way): an
/// attestation needs a holder of one of the item's <see cref="GateItem.AttestationRoles"/> (anyone when it names none); a
/// waiver a holder of one of its <see cref="GateItem.WaiverRoles"/> (nobody when it names none); evidence (a report) may
/// come from anyone — pipelines and people alike. The sign-off of a step that ended without health data is such an
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
            _ => [],
        };
    }

    /// <summary>
    /// Whether <paramref name="by"/> may give <paramref name="kind"/> for <paramref name="item"/>, with the release's people
    /// by role (<see cref="ApproverDirectory.Resolve"/>).
    /// </summary>
    public static bool Allows(GateItem item, string kind, string by, IReadOnlyDictionary<string, IReadOnlyList<string>> approvers)
    {
        ArgumentNullException.ThrowIfNull(approvers);
        var roles = RolesFor(item, kind);
        if (roles.Count == 0)
        {
            return kind != EvidenceKinds.Waiver;
        }

        return ApproverDirectory.RolesOf(approvers, roles, by).Count > 0;
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

        if (Allows(item, kind, by, approvers))
        {
            return null;
        }

        var roles = string.Join(", ", RolesFor(item, kind));
        return kind == EvidenceKinds.Waiver
            ? $"{by} holds none of the roles that may waive '{item.Id}' for this release ({roles})."
            : $"{by} holds none of the roles that may attest '{item.Id}' for this release ({roles}).";
    }

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
