namespace ReleaseManagement.Policy;

/// <summary>
/// Who may attest, waive or report a gate item of a release, in one place for the evidence handler (which refuses the
/// others with 403) and <see cref="GateEvaluator"/> (which ignores what reached the release some other way): an
/// attestation needs a holder of one of the item's <see cref="GateItem.AttestationRoles"/> (anyone when it names none); a
/// waiver a holder of one of its <see cref="GateItem.WaiverRoles"/> (nobody when it names none); evidence (a report) may
/// come from anyone — pipelines and people alike.
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
}
