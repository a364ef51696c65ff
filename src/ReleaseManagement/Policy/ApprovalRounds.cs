using ReleaseManagement.Approvals;

namespace ReleaseManagement.Policy;

/// <summary>
/// The timing and the recipients of an approval stage's rounds (request, reminder, escalation) as pure decisions: the
/// orchestration only waits and sends what these say.
/// </summary>
public static class ApprovalRounds
{
    /// <summary>Whether the rule sends a reminder at all: only when it falls strictly inside the timeout.</summary>
    public static bool RemindsBeforeDeadline(ApprovalRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return rule.ReminderBefore > TimeSpan.Zero && rule.ReminderBefore < rule.Timeout;
    }

    /// <summary>When to wake next without a decision: at the reminder time while one is still due, else at the deadline.</summary>
    public static DateTimeOffset NextWake(ApprovalRule rule, DateTimeOffset deadline, bool reminderDue)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return reminderDue ? deadline - rule.ReminderBefore : deadline;
    }

    /// <summary>Whether the deadline passing without a decision escalates (once) rather than ends the stage.</summary>
    public static bool EscalatesAtDeadline(ApprovalRule rule, bool escalated)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return rule.OnTimeout == TimeoutOutcome.EscalateThenReject && !escalated;
    }

    /// <summary>A reminder goes to the people of the roles still missing who have not answered yet.</summary>
    public static IReadOnlyList<ApproverRef> ReminderRecipients(
        IReadOnlyDictionary<string, IReadOnlyList<string>> approvers,
        ApprovalRule rule,
        string? requestedBy,
        IEnumerable<string> missingRoles,
        IEnumerable<string> answered)
    {
        var done = new HashSet<string>(answered, StringComparer.OrdinalIgnoreCase);
        return ReleaseContacts.Approvers(approvers, missingRoles, rule, requestedBy).Where(r => !done.Contains(r.Email)).ToArray();
    }

    /// <summary>An escalation goes to the rule's escalation contacts and again to the people of the roles still missing.</summary>
    public static IReadOnlyList<ApproverRef> EscalationRecipients(
        IReadOnlyDictionary<string, IReadOnlyList<string>> approvers,
        ApprovalRule rule,
        string? requestedBy,
        IEnumerable<string> missingRoles)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return ReleaseContacts.Resolve(approvers, rule.EscalationContacts).Select(c => new ApproverRef(c, "escalation"))
            .Concat(ReleaseContacts.Approvers(approvers, missingRoles, rule, requestedBy))
            .DistinctBy(r => r.Email.ToLowerInvariant())
            .ToArray();
    }
}
