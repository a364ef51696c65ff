using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy;

/// <summary>
/// Four eyes on one release (issue 24, point 4), in one place for the API (which refuses with 403) and the rules the
/// lifecycle applies (which ignore what reached the release some other way): nobody waives, signs off (the missing health
/// data sign-off) or reviews (the hotfix's emergency review) a release they requested, whatever roles they hold, unless
/// <see cref="RequesterMayAct"/> (setting <c>Approvals__RequesterMayApprove</c>, the one switch for small teams, off by
/// default; approvals also need the stage's <see cref="ApprovalRule.RequesterMayApprove"/>, <see cref="ApprovalQuorum"/>);
/// and a waiver counts only when <see cref="WaiverQuorum"/> distinct people of the item's waiver roles gave one
/// (<see cref="RiskMitigation.WaiverQuorum"/> of the release's risk level).
/// </summary>
/// <param name="Requester">Who requested the release (<see cref="ReleaseRequest.RequestedBy"/>); null when nobody is named.</param>
/// <param name="RequesterMayAct">Whether the requester may waive, sign off and review their own release.</param>
/// <param name="WaiverQuorum">How many distinct people a waiver needs (at least 1).</param>
public sealed record FourEyes(string? Requester, bool RequesterMayAct = false, int WaiverQuorum = 1)
{
    /// <summary>No four-eyes rule (no requester, one waiver suffices): the behaviour of callers that know no release.</summary>
    public static readonly FourEyes None = new(null, true);

    /// <summary>The rule for <paramref name="release"/> under <paramref name="policy"/>: its requester, and its risk level's waiver quorum.</summary>
    public static FourEyes For(ReleasePolicy policy, ReleaseRequest release, bool requesterMayAct)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(release);
        var risk = RiskEvaluator.Assess(policy.RiskMatrix, release.Impact, release.Probability);
        return new FourEyes(release.RequestedBy, requesterMayAct, Math.Max(1, risk.Mitigation.WaiverQuorum));
    }

    /// <summary>Whether <paramref name="person"/> requested the release and the switch does not let them act on it.</summary>
    public bool Bars(string? person) =>
        !RequesterMayAct && Requester is { Length: > 0 } requester && person is { Length: > 0 }
        && string.Equals(requester.Trim(), person.Trim(), StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether giving <paramref name="kind"/> (an <see cref="EvidenceKinds"/> value) for <paramref name="item"/> is one of the
    /// acts four eyes cover: every waiver, and the attestation that signs off missing health data
    /// (<see cref="GateEntitlement.SignOffItem"/>) or records the emergency review (<see cref="GateItemInputs.EmergencyReview"/>).
    /// </summary>
    public static bool Covers(ReleasePolicy policy, GateItem item, string kind)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(item);
        return kind == EvidenceKinds.Waiver
            || (kind == EvidenceKinds.Attestation
                && (string.Equals(item.Id, GateEntitlement.SignOffItem(policy).Id, StringComparison.OrdinalIgnoreCase)
                    || GateItemInputs.IsEmergencyReview(policy, item.Id)));
    }

    /// <summary>
    /// Why <paramref name="by"/> may not give <paramref name="kind"/> for <paramref name="item"/> on this release (they requested
    /// it), or null when four eyes do not stand in the way.
    /// </summary>
    public string? Refusal(ReleasePolicy policy, GateItem item, string kind, string by)
    {
        if (!Bars(by) || !Covers(policy, item, kind))
        {
            return null;
        }

        var act = kind == EvidenceKinds.Waiver ? "waive"
            : GateItemInputs.IsEmergencyReview(policy, item.Id) ? "review"
            : "sign off";
        return $"{by.Trim()} requested this release and may not {act} '{item.Id}' on it, whatever roles they hold (four eyes): another holder of {Roles(policy, item, kind)} must.";
    }

    private static string Roles(ReleasePolicy policy, GateItem item, string kind)
    {
        var roles = GateEntitlement.RolesFor(item, kind);
        return roles.Count == 0 ? "its roles" : string.Join(" or ", roles);
    }
}
