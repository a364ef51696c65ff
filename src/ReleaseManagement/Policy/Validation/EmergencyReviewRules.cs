namespace ReleaseManagement.Policy.Validation;

/// <summary><c>emergencyReview</c>: due after a positive time with a reminder before it, escalation contacts, reviewer roles and the item that records it.</summary>
internal sealed class EmergencyReviewRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy) => Emergency(policy.EmergencyReview, PolicyPath.Root.Property("emergencyReview"));

    private void Emergency(EmergencyReviewPolicy e, string path)
    {
        errors.RequirePositive(e.DueAfter, path.Property("dueAfter"));
        errors.RequireNonNegative(e.ReminderBefore, path.Property("reminderBefore"));
        if (e.ReminderBefore >= e.DueAfter && e.DueAfter > TimeSpan.Zero)
        {
            errors.Add(path.Property("reminderBefore"), $"The reminder ({e.ReminderBefore} before) must be shorter than the time until the review is due ({e.DueAfter}).");
        }

        if (e.EscalationContacts.Count == 0)
        {
            errors.Add(path.Property("escalationContacts"), "At least one escalation contact is required.");
        }

        if (e.ReviewerRoles.Count == 0)
        {
            errors.Add(path.Property("reviewerRoles"), "At least one reviewer role is required.");
        }

        if (string.IsNullOrWhiteSpace(e.EvidenceItem))
        {
            errors.Add(path.Property("evidenceItem"), "Must not be empty: evidence for this item records the review.");
        }
    }
}
