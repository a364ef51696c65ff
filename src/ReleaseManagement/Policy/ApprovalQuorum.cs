using ReleaseManagement.Approvals;

namespace ReleaseManagement.Policy;

/// <summary>Where an approval stage stands.</summary>
public enum ApprovalStatus
{
    Pending,
    Approved,
    Rejected,
}

/// <summary>What became of one decision.</summary>
public enum DecisionOutcome
{
    /// <summary>The decision was taken into account.</summary>
    Counted,

    /// <summary>The same decision (same id, or the same person again) was already counted: nothing changed.</summary>
    Duplicate,

    /// <summary>The decision may not be taken: wrong stage, not an approver, or the requester. See the reason.</summary>
    Refused,

    /// <summary>The stage was already approved or rejected when the decision arrived.</summary>
    StageClosed,
}

/// <summary>One decision and what became of it.</summary>
public sealed record DecisionResult(ApprovalDecision Decision, DecisionOutcome Outcome, string? Reason);

/// <summary>The state of an approval stage after a sequence of decisions.</summary>
/// <param name="ApprovedRoles">The required roles a counted approval covers.</param>
/// <param name="MissingRoles">The required roles no counted approval covers yet.</param>
/// <param name="DecisiveDecision">The decision that approved or rejected the stage.</param>
public sealed record ApprovalEvaluation(
    string Stage,
    ApprovalStatus Status,
    IReadOnlyList<DecisionResult> Decisions,
    IReadOnlyList<string> ApprovedRoles,
    IReadOnlyList<string> MissingRoles,
    ApprovalDecision? DecisiveDecision)
{
    /// <summary>What became of the last decision given (null when none was).</summary>
    public DecisionResult? Last => Decisions.Count > 0 ? Decisions[^1] : null;

    /// <summary>The stage's state in words.</summary>
    public string Summary => Status switch
    {
        ApprovalStatus.Approved => $"Approved by {string.Join(", ", Decisions.Where(d => d.Outcome == DecisionOutcome.Counted && d.Decision.Approved).Select(d => d.Decision.DecidedBy))}.",
        ApprovalStatus.Rejected => $"Rejected by {DecisiveDecision!.DecidedBy}" + (DecisiveDecision.Comment is { Length: > 0 } c ? $": {c}" : "."),
        _ => $"Awaiting approval from {string.Join(", ", MissingRoles)}.",
    };
}

/// <summary>
/// The quorum rule of an approval stage as a pure fold over decisions. One counted rejection rejects; an approval counts
/// toward one role the approver holds (All: every required role, so as many distinct people as roles; Any: one of them). A decision for another stage, from
/// someone who holds no required role, or from the requester (unless the rule allows it) is refused with a reason.
/// A decision repeated (same id, or the same person again) is a duplicate and changes nothing; the first one stands.
/// A decision a delegate took for an owner (<see cref="ApprovalDecision.OnBehalfOf"/>) counts in the owner's delegated roles
/// or the delegate's own, still for one role of one person: the delegate decides the stage once, whoever they decide for
/// (<see cref="Delegations"/>).
/// Once approved or rejected the stage is closed.
/// </summary>
public static class ApprovalQuorum
{
    public static ApprovalEvaluation Evaluate(
        string stage,
        ApprovalRule rule,
        IReadOnlyDictionary<string, IReadOnlyList<string>> approvers,
        string? requester,
        IEnumerable<ApprovalDecision> decisions)
    {
        var results = new List<DecisionResult>();
        var seenIds = new HashSet<string>(StringComparer.Ordinal);
        var decided = new Dictionary<string, ApprovalDecision>(StringComparer.OrdinalIgnoreCase);
        var approvedRoles = new List<string>();
        var approving = new List<(string Person, IReadOnlyList<string> Roles)>();
        var status = ApprovalStatus.Pending;
        ApprovalDecision? decisive = null;
        var eligible = rule.RequiredRoles.Distinct(StringComparer.Ordinal).ToArray();

        foreach (var decision in decisions)
        {
            var person = decision.Approver?.Trim() ?? "";
            if (!seenIds.Add(decision.DecisionId))
            {
                results.Add(new(decision, DecisionOutcome.Duplicate, $"Decision '{decision.DecisionId}' was already received."));
                continue;
            }

            if (!string.Equals(decision.Stage?.Trim(), stage, StringComparison.OrdinalIgnoreCase))
            {
                results.Add(new(decision, DecisionOutcome.Refused, $"The decision is for stage '{decision.Stage}', not '{stage}'."));
                continue;
            }

            if (!rule.RequesterMayApprove && requester is not null && string.Equals(person, requester.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                results.Add(new(decision, DecisionOutcome.Refused, $"{person} requested this release and may not decide on it."));
                continue;
            }

            // Under a delegation the decision counts in the owner's roles (those delegated) as well as the approver's own; the
            // owner's roles are the release's directory, never roles the owner received by delegation (no chain).
            var owner = decision.OnBehalfOf?.Trim() is { Length: > 0 } o && !string.Equals(o, person, StringComparison.OrdinalIgnoreCase) ? o : null;
            if (owner is not null && !rule.RequesterMayApprove && requester is not null && string.Equals(owner, requester.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                results.Add(new(decision, DecisionOutcome.Refused, $"{owner} requested this release: nobody decides on it in their name (four eyes)."));
                continue;
            }

            // Roles the approver's sign-in claims granted (access.roleClaims) count as the directory's do.
            var roles = ApproverDirectory.RolesOf(ApproverDirectory.WithClaimedRoles(approvers, person, decision.ClaimedRoles), eligible, person);
            if (owner is not null)
            {
                roles = [.. roles.Union(Delegations.OwnerRoles(approvers, eligible, owner, decision.DelegatedRoles), StringComparer.Ordinal)];
            }

            if (roles.Count == 0)
            {
                results.Add(new(decision, DecisionOutcome.Refused,
                    $"{(person.Length == 0 ? "(no approver)" : decision.DecidedBy)} is not an approver for stage '{stage}' (roles: {string.Join(", ", eligible)})."));
                continue;
            }

            if (decided.TryGetValue(person, out var earlier))
            {
                results.Add(new(decision, DecisionOutcome.Duplicate,
                    $"{person} already {(earlier.Approved ? "approved" : "rejected")} stage '{stage}'; the first decision stands."));
                continue;
            }

            if (status != ApprovalStatus.Pending)
            {
                results.Add(new(decision, DecisionOutcome.StageClosed, $"Stage '{stage}' is already {status.ToString().ToLowerInvariant()}."));
                continue;
            }

            decided[person] = decision;
            results.Add(new(decision, DecisionOutcome.Counted, null));
            if (!decision.Approved)
            {
                status = ApprovalStatus.Rejected;
                decisive = decision;
                continue;
            }

            // A person's approval counts for one role only, whichever of theirs the quorum needs: a quorum of several roles
            // needs as many distinct people. Roles go to people by a largest matching, so the order of the approvals does not
            // decide whether the stage is approved.
            approving.Add((person, roles));
            approvedRoles = Match(approving, eligible);
            var satisfied = rule.Quorum == Quorum.All
                ? eligible.All(r => approvedRoles.Contains(r, StringComparer.Ordinal))
                : approvedRoles.Count > 0;
            if (satisfied)
            {
                status = ApprovalStatus.Approved;
                decisive = decision;
            }
        }

        var missing = status == ApprovalStatus.Approved && rule.Quorum == Quorum.Any
            ? []
            : eligible.Where(r => !approvedRoles.Contains(r, StringComparer.Ordinal)).ToArray();
        var orderedApproved = eligible.Where(r => approvedRoles.Contains(r, StringComparer.Ordinal)).ToArray();
        return new ApprovalEvaluation(stage, status, results, orderedApproved, missing, decisive);
    }

    /// <summary>The roles covered when each approving person covers one of their roles, as many roles as possible (a maximum matching).</summary>
    private static List<string> Match(IReadOnlyList<(string Person, IReadOnlyList<string> Roles)> approving, IReadOnlyList<string> eligible)
    {
        var holder = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var p = 0; p < approving.Count; p++)
        {
            TryAssign(p, new HashSet<string>(StringComparer.Ordinal));
        }

        return eligible.Where(holder.ContainsKey).ToList();

        bool TryAssign(int p, HashSet<string> visited)
        {
            foreach (var role in approving[p].Roles)
            {
                if (!visited.Add(role))
                {
                    continue;
                }

                if (!holder.TryGetValue(role, out var other) || TryAssign(other, visited))
                {
                    holder[role] = p;
                    return true;
                }
            }

            return false;
        }
    }
}
