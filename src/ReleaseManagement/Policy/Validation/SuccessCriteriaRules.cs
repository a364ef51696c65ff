namespace ReleaseManagement.Policy.Validation;

/// <summary><c>successCriteria</c>: a watch that checks and follows the validation, and a sign-off reminder before its escalation (the schema bounds the thresholds).</summary>
internal sealed class SuccessCriteriaRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy) => Success(policy.SuccessCriteria, PolicyPath.Root.Property("successCriteria"));

    private void Success(SuccessCriteria s, string path)
    {
        errors.RequirePositive(s.WatchDuration, path.Property("watchDuration"));
        errors.RequirePositive(s.CheckInterval, path.Property("checkInterval"));
        if (s.CheckInterval > s.WatchDuration && s.WatchDuration > TimeSpan.Zero)
        {
            errors.Add(path.Property("checkInterval"), $"The check interval ({s.CheckInterval}) is longer than the watch ({s.WatchDuration}): the watch would never check.");
        }

        if (s.ValidationDelay < TimeSpan.Zero)
        {
            errors.Add(path.Property("validationDelay"), "Must not be negative (zero validates at once).");
        }
        else if (s.ValidationDelay >= s.WatchDuration && s.WatchDuration > TimeSpan.Zero)
        {
            errors.Add(path.Property("validationDelay"), $"The validation delay ({s.ValidationDelay}) must be shorter than the watch ({s.WatchDuration}): the watch starts after the validation.");
        }

        errors.RequirePositive(s.SignOffReminderAfter, path.Property("signOffReminderAfter"));
        errors.RequirePositive(s.SignOffEscalationAfter, path.Property("signOffEscalationAfter"));
        if (s.SignOffReminderAfter >= s.SignOffEscalationAfter && s.SignOffEscalationAfter > TimeSpan.Zero)
        {
            errors.Add(path.Property("signOffReminderAfter"), $"The reminder ({s.SignOffReminderAfter}) must come before the escalation ({s.SignOffEscalationAfter}).");
        }

    }
}
