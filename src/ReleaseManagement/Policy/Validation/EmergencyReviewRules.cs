namespace ReleaseManagement.Policy.Validation;

/// <summary><c>emergencyReview</c>: due after a positive time, with the reminder before that.</summary>
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
    }
}
