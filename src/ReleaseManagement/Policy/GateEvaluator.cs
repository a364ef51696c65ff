using System.Globalization;

namespace ReleaseManagement.Policy;

/// <summary>Pipeline evidence for a gate item: a pass/fail outcome, a measured value, or both.</summary>
/// <param name="Environment">The environment the evidence is about, when it names one (<see cref="GateItem.Environment"/>).</param>
/// <param name="Settings">An environment's reported configuration (<see cref="EvidenceKinds.Configuration"/>), secrets hashed.</param>
/// <param name="Url">A document's link (<see cref="GateSatisfaction.Document"/>), as reported.</param>
public sealed record GateEvidence(
    string Item, DateTimeOffset At, bool? Passed = null, decimal? Value = null, string? Source = null, string? Environment = null,
    IReadOnlyDictionary<string, string>? Settings = null, string? Url = null);

/// <summary>A named person's attestation for a gate item (or their refusal to attest).</summary>
/// <param name="ClaimedRoles">The roles <paramref name="By"/>'s sign-in claims granted when they attested (<see cref="Events.EventAttributes.ClaimedRoles"/>), on top of the directory.</param>
public sealed record GateAttestation(string Item, string By, bool Approved, DateTimeOffset At, string? Comment = null, IReadOnlyList<string>? ClaimedRoles = null);

/// <summary>A waiver for a gate item: only valid with a reason and an approver holding one of the item's waiver roles.</summary>
/// <param name="ClaimedRoles">The roles <paramref name="ApprovedBy"/>'s sign-in claims granted when they waived, on top of the directory.</param>
public sealed record GateWaiver(string Item, string Reason, string ApprovedBy, DateTimeOffset At, IReadOnlyList<string>? ClaimedRoles = null);

/// <summary>Everything known about a release's gate items.</summary>
public sealed record GateInputs(
    IReadOnlyList<GateEvidence> Evidence,
    IReadOnlyList<GateAttestation> Attestations,
    IReadOnlyList<GateWaiver> Waivers)
{
    public static readonly GateInputs Empty = new([], [], []);
}

public enum GateVerdict
{
    Passed,
    Failed,
    Pending,
    Waived,

    /// <summary>The evidence is too old or about another environment (<see cref="EvidenceFreshness"/>): not a pass.</summary>
    Stale,
}

/// <summary>One item's verdict; <see cref="Reason"/> says why (always set unless the item simply passed on evidence).</summary>
public sealed record GateItemResult(string Item, GateVerdict Verdict, string? Reason);

/// <summary>A gate's verdicts, one per item in the gate's order.</summary>
public sealed record GateEvaluation(IReadOnlyList<GateItemResult> Items)
{
    /// <summary>Failed if any item failed, else Pending if any is pending, else Passed (waived items count as satisfied).</summary>
    public GateVerdict Overall =>
        Items.Any(i => i.Verdict == GateVerdict.Failed) ? GateVerdict.Failed
        : Items.Any(i => i.Verdict is GateVerdict.Pending or GateVerdict.Stale) ? GateVerdict.Pending
        : GateVerdict.Passed;

    public bool IsSatisfied => Overall == GateVerdict.Passed;
}

/// <summary>
/// Quality gate evaluation. For each item the latest evidence or eligible attestation decides; a valid waiver stands in
/// for an item that has not passed (if the item is waivable). Evidence and attestations for other items are ignored.
/// </summary>
public static class GateEvaluator
{
    /// <param name="approvers">
    /// Role to people: when given, only members of an item's attestation roles may attest it, and only members of its
    /// waiver roles may waive it.
    /// </param>
    /// <param name="fourEyes">
    /// The release's four-eyes rule: a waiver by its requester does not count (unless the rule lets them act), and a waiver
    /// needs <see cref="FourEyes.WaiverQuorum"/> distinct people. Null: <see cref="FourEyes.None"/>.
    /// </param>
    public static GateEvaluation Evaluate(
        QualityGate gate,
        GateInputs inputs,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? approvers = null,
        FourEyes? fourEyes = null) =>
        new(gate.Items.Select(item => EvaluateItem(item, inputs, approvers, fourEyes)).ToArray());

    /// <summary>Evaluates several gates' items as one list (e.g. the gates a promotion step needs).</summary>
    public static GateEvaluation Evaluate(
        IEnumerable<QualityGate> gates,
        GateInputs inputs,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? approvers = null,
        FourEyes? fourEyes = null) =>
        new(gates.SelectMany(g => g.Items).Select(item => EvaluateItem(item, inputs, approvers, fourEyes)).ToArray());

    public static GateItemResult EvaluateItem(
        GateItem item,
        GateInputs inputs,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? approvers = null,
        FourEyes? fourEyes = null)
    {
        fourEyes ??= FourEyes.None;
        var result = item.SatisfiedBy switch
        {
            GateSatisfaction.Evidence => FromEvidence(item, inputs.Evidence),
            GateSatisfaction.Document => FromDocument(item, inputs.Evidence),
            _ => FromAttestation(item, inputs.Attestations, approvers),
        };
        if (result.Verdict == GateVerdict.Passed)
        {
            return result;
        }

        var waivers = inputs.Waivers.Where(w => SameItem(w.Item, item.Id)).ToList();
        if (waivers.Count == 0)
        {
            return result;
        }

        if (!item.Waivable)
        {
            return result with { Reason = $"{result.Reason} (a waiver was given, but '{item.Id}' may not be waived)" };
        }

        var complete = waivers.Where(w => !string.IsNullOrWhiteSpace(w.Reason) && !string.IsNullOrWhiteSpace(w.ApprovedBy)).ToList();
        if (complete.Count == 0)
        {
            return result with { Reason = $"{result.Reason} (a waiver was given without a reason or approver, and does not count)" };
        }

        // Defence in depth: the evidence API refuses a waiver by anyone outside the item's waiver roles; one that reached
        // the release some other way (a pipeline event) does not count either.
        var entitled = approvers is null
            ? complete
            : complete.Where(w => GateEntitlement.Allows(item, EvidenceKinds.Waiver, w.ApprovedBy, ApproverDirectory.WithClaimedRoles(approvers, w.ApprovedBy, w.ClaimedRoles))).ToList();
        var valid = entitled.OrderBy(w => w.At).LastOrDefault();
        if (valid is null)
        {
            var who = string.Join(", ", complete.Select(w => w.ApprovedBy.Trim()).Distinct(StringComparer.OrdinalIgnoreCase));
            return result with { Reason = $"{result.Reason} (a waiver by {who} does not count: only {string.Join(" or ", item.WaiverRoles)} may waive '{item.Id}')" };
        }

        // Four eyes: the requester's waiver does not count (the evidence API refuses it), and the waiver needs its quorum of
        // distinct people (one person waiving twice is one).
        var requesters = entitled.Where(w => fourEyes.Bars(w.ApprovedBy)).Select(w => w.ApprovedBy.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        var counted = entitled.Where(w => !fourEyes.Bars(w.ApprovedBy)).ToList();
        var people = counted.Select(w => w.ApprovedBy.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        var quorum = Math.Max(1, fourEyes.WaiverQuorum);
        if (people.Length < quorum)
        {
            var requesterNote = requesters.Length > 0 ? $"; {requesters[0]} requested this release and may not waive it" : "";
            var has = people.Length == 0 ? "" : $" ({string.Join(", ", people)})";
            return result with
            {
                Reason = $"{result.Reason} (a waiver needs {quorum} {(quorum == 1 ? "person" : "people")} of {string.Join(" or ", item.WaiverRoles)}, has {people.Length}{has}{requesterNote})",
            };
        }

        valid = counted.OrderBy(w => w.At).Last();
        return new GateItemResult(item.Id, GateVerdict.Waived, $"Waived by {string.Join(" and ", people)}: {valid.Reason.Trim()}");
    }

    private static GateItemResult FromEvidence(GateItem item, IReadOnlyList<GateEvidence> all)
    {
        var evidence = Latest(all.Where(e => SameItem(e.Item, item.Id)), e => e.At);
        if (evidence is null)
        {
            return new(item.Id, GateVerdict.Pending, $"No evidence for '{item.Id}' yet.");
        }

        var source = evidence.Source is { Length: > 0 } s ? $" ({s})" : "";
        if (evidence.Passed == false)
        {
            return new(item.Id, GateVerdict.Failed, $"'{item.Id}' failed{source}.");
        }

        if (item.Threshold is { } threshold)
        {
            if (evidence.Value is not { } value)
            {
                return new(item.Id, GateVerdict.Failed, $"The evidence for '{item.Id}'{source} has no value to compare with the threshold ({Describe(threshold)}).");
            }

            var met = threshold.Comparison == ThresholdComparison.AtLeast ? value >= threshold.Value : value <= threshold.Value;
            return met
                ? new(item.Id, GateVerdict.Passed, null)
                : new(item.Id, GateVerdict.Failed, $"'{item.Id}' is {Format(value)}{Unit(threshold)}{source}; required: {Describe(threshold)}.");
        }

        return evidence.Passed == true
            ? new(item.Id, GateVerdict.Passed, null)
            : new(item.Id, GateVerdict.Failed, $"The evidence for '{item.Id}'{source} reports no outcome.");
    }

    /// <summary>A document passes on its latest report carrying a link (an absolute http(s) URL); a report without one does not count.</summary>
    private static GateItemResult FromDocument(GateItem item, IReadOnlyList<GateEvidence> all)
    {
        var linked = Latest(all.Where(e => SameItem(e.Item, item.Id) && ReleaseDocuments.IsLink(e.Url)), e => e.At);
        return linked is null
            ? new(item.Id, GateVerdict.Pending, $"Document '{item.Id}' is missing: no link reported yet.")
            : new(item.Id, GateVerdict.Passed, $"Linked: {linked.Url!.Trim()}");
    }

    private static GateItemResult FromAttestation(
        GateItem item, IReadOnlyList<GateAttestation> all, IReadOnlyDictionary<string, IReadOnlyList<string>>? approvers)
    {
        var forItem = all.Where(a => SameItem(a.Item, item.Id) && !string.IsNullOrWhiteSpace(a.By)).ToList();
        var eligible = approvers is null
            ? forItem
            : forItem.Where(a => GateEntitlement.Allows(item, EvidenceKinds.Attestation, a.By, ApproverDirectory.WithClaimedRoles(approvers, a.By, a.ClaimedRoles))).ToList();
        var attestation = Latest(eligible, a => a.At);
        if (attestation is null)
        {
            var who = item.AttestationRoles.Count > 0 ? $" by {string.Join(" or ", item.AttestationRoles)}" : "";
            var ignored = forItem.Count > eligible.Count
                ? $" ({string.Join(", ", forItem.Except(eligible).Select(a => a.By.Trim()).Distinct(StringComparer.OrdinalIgnoreCase))} may not attest it)"
                : "";
            return new(item.Id, GateVerdict.Pending, $"Awaiting attestation of '{item.Id}'{who}{ignored}.");
        }

        var comment = attestation.Comment is { Length: > 0 } c ? $": {c}" : ".";
        return attestation.Approved
            ? new(item.Id, GateVerdict.Passed, $"Attested by {attestation.By.Trim()}{comment}")
            : new(item.Id, GateVerdict.Failed, $"{attestation.By.Trim()} declined to attest '{item.Id}'{comment}");
    }

    /// <summary>The last of the latest: among equal times, the one given last.</summary>
    private static T? Latest<T>(IEnumerable<T> items, Func<T, DateTimeOffset> at)
        where T : class
    {
        T? latest = null;
        foreach (var item in items)
        {
            if (latest is null || at(item) >= at(latest))
            {
                latest = item;
            }
        }

        return latest;
    }

    private static bool SameItem(string? a, string b) => string.Equals(a?.Trim(), b, StringComparison.OrdinalIgnoreCase);

    private static string Describe(Threshold t) =>
        $"{(t.Comparison == ThresholdComparison.AtLeast ? "at least" : "at most")} {Format(t.Value)}{Unit(t)}";

    private static string Unit(Threshold t) => t.Unit switch
    {
        "" => "",
        "%" => " %",
        var u => $" {u}",
    };

    private static string Format(decimal value) => value.ToString("0.##########", CultureInfo.InvariantCulture);
}
