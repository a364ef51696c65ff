namespace ReleaseManagement.Policy;

/// <summary>
/// When a hotfix's post-hoc review is reminded, due and given up on, from its production deployment: the reminder
/// <see cref="EmergencyReviewPolicy.ReminderBefore"/> before it is due, the escalation when due, and one more
/// <see cref="EmergencyReviewPolicy.DueAfter"/> after the escalation before the release stops waiting for it.
/// </summary>
public sealed record EmergencyReviewSchedule(DateTimeOffset ReminderAt, DateTimeOffset DueAt, DateTimeOffset GiveUpAt)
{
    public static EmergencyReviewSchedule For(EmergencyReviewPolicy review, DateTimeOffset deployedAt)
    {
        ArgumentNullException.ThrowIfNull(review);
        var due = deployedAt + review.DueAfter;
        return new EmergencyReviewSchedule(due - review.ReminderBefore, due, due + review.DueAfter);
    }
}
