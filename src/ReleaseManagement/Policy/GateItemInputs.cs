namespace ReleaseManagement.Policy;

/// <summary>
/// Which manual input fits which gate item, derived from the policy's gate item definitions: an item satisfied by an
/// attestation takes an attestation, an item satisfied by evidence takes evidence (with its measured value when the item
/// has a threshold), and a waivable item also takes a waiver.
/// </summary>
public static class GateItemInputs
{
    /// <summary>Every gate item the policy defines (<see cref="ReleaseGates.Defined"/>: quality gates in key order, the risk levels' items, the Planning gate), each item once.</summary>
    /// <remarks>
    /// Also the sign-off of a step that ended without health data (<see cref="SuccessCriteria.SignOffItem"/>, attested by
    /// <see cref="SuccessCriteria.SignOffRoles"/>, never waived) when no gate defines an item of that id.
    /// </remarks>
    /// <remarks>
    /// And the hotfix's post-hoc review (<see cref="EmergencyReviewPolicy.EvidenceItem"/>, attested by
    /// <see cref="EmergencyReviewPolicy.ReviewerRoles"/>, never waived) when no gate defines an item of that id.
    /// </remarks>
    /// <remarks>
    /// And each confirmation a communication asks for (<see cref="CommunicationEvent.Confirm"/>, attested by its roles,
    /// never waived) when no gate defines an item of that id.
    /// </remarks>
    public static IReadOnlyList<GateItem> Items(ReleasePolicy policy) =>
        ReleaseGates.Defined(policy).Append(SignOff(policy)).Append(EmergencyReview(policy)).Concat(Confirmations(policy))
            .DistinctBy(i => i.Id, StringComparer.OrdinalIgnoreCase).ToArray();

    /// <summary>The confirmations the communication timeline asks for, as attestation items of their roles, not waivable.</summary>
    public static IEnumerable<GateItem> Confirmations(ReleasePolicy policy) =>
        policy.Communications.Select(c => c.Confirm).OfType<CommunicationConfirmation>().Select(c => PersonsWord(c.Item, c.Description, c.Roles));

    /// <summary>An item that only a person's attestation satisfies, by a holder of <paramref name="roles"/>, never waived.</summary>
    private static GateItem PersonsWord(string id, string description, IReadOnlyList<string> roles) => new()
    {
        Id = id,
        Description = description,
        SatisfiedBy = GateSatisfaction.Attestation,
        Threshold = null,
        AttestationRoles = roles,
        Waivable = false,
    };

    /// <summary>The emergency change review of a hotfix: an attestation by the policy's reviewer roles, not waivable.</summary>
    public static GateItem EmergencyReview(ReleasePolicy policy) =>
        PersonsWord(policy.EmergencyReview.EvidenceItem, "Post-hoc review of an emergency (hotfix) change", policy.EmergencyReview.ReviewerRoles);

    /// <summary>Whether <paramref name="itemId"/> is the emergency review item (and no gate defines an item of that id).</summary>
    public static bool IsEmergencyReview(ReleasePolicy policy, string itemId) =>
        string.Equals(itemId.Trim(), policy.EmergencyReview.EvidenceItem, StringComparison.OrdinalIgnoreCase)
        && !ReleaseGates.Defined(policy).Any(i => string.Equals(i.Id, itemId.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The sign-off item of the success criteria: an attestation by the sign-off roles, not waivable.</summary>
    public static GateItem SignOff(ReleasePolicy policy) =>
        PersonsWord(policy.SuccessCriteria.SignOffItem, "Sign-off of a post-deployment validation or watch that ended without health data", policy.SuccessCriteria.SignOffRoles);

    /// <summary>The item a known issue a person adds is recorded under (evidence kind <see cref="EvidenceKinds.KnownIssue"/>); no gate has it.</summary>
    public const string KnownIssueItem = "known-issue";

    /// <summary>
    /// The known issues of a release as an item of no gate: what a known issue is recorded under, never waived; who may add
    /// one is the permission <see cref="ReleaseActions.KnownIssue"/>, not this item's roles.
    /// </summary>
    public static GateItem KnownIssue { get; } = new()
    {
        Id = KnownIssueItem,
        Description = "A known issue of the release, listed by its release notes",
        SatisfiedBy = GateSatisfaction.Document,
        Threshold = null,
        AttestationRoles = [],
        Waivable = false,
    };

    /// <summary>The gate item with this id (case-insensitive, surrounding whitespace ignored), or null.</summary>
    public static GateItem? Find(ReleasePolicy policy, string id) =>
        Items(policy).FirstOrDefault(i => string.Equals(i.Id, id.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The kinds of manual input <paramref name="item"/> takes.</summary>
    public static IReadOnlyList<string> KindsFor(GateItem item)
    {
        var kinds = new List<string>(2)
        {
            item.SatisfiedBy == GateSatisfaction.Attestation ? EvidenceKinds.Attestation
            : item.SatisfiedBy == GateSatisfaction.Document ? EvidenceKinds.Document
            : EnvironmentConfigurationGate.Is(item) ? EvidenceKinds.Configuration : EvidenceKinds.Evidence,
        };
        if (item.Waivable)
        {
            kinds.Add(EvidenceKinds.Waiver);
        }

        return kinds;
    }

    public static bool Accepts(GateItem item, string kind) => KindsFor(item).Contains(kind, StringComparer.Ordinal);

    /// <summary>Whether evidence for the item must carry a measured value (unless it reports a failure).</summary>
    public static bool IsMeasured(GateItem item) => item.Threshold is not null;
}
