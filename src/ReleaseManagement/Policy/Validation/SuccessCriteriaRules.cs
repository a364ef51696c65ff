namespace ReleaseManagement.Policy.Validation;

/// <summary><c>successCriteria</c>: thresholds, a watch that checks and follows the validation, and a sign-off for steps without health data.</summary>
internal sealed class SuccessCriteriaRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy) => Success(policy.SuccessCriteria, PolicyPath.Root.Property("successCriteria"));

    private void Success(SuccessCriteria s, string path)
    {
        if (s.MaxCriticalIssues < 0)
        {
            errors.Add(path.Property("maxCriticalIssues"), "Must not be negative.");
        }

        Thresholds(s.DefaultThresholds, path.Property("defaultThresholds"));
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

        if (!Enum.IsDefined(s.OnMissingHealthData))
        {
            errors.Add(path.Property("onMissingHealthData"), $"Use one of {string.Join(", ", Enum.GetNames<MissingHealthDataRule>())}.");
        }

        if (string.IsNullOrWhiteSpace(s.SignOffItem))
        {
            errors.Add(path.Property("signOffItem"), "Must not be empty: an attestation of this item signs off a step that ended without health data.");
        }

        if (s.SignOffRoles.Count == 0)
        {
            errors.Add(path.Property("signOffRoles"), "At least one role must be able to sign off a step that ended without health data.");
        }

        errors.RequireNoEmptyEntries(s.SignOffRoles, path.Property("signOffRoles"));
        errors.RequirePositive(s.SignOffReminderAfter, path.Property("signOffReminderAfter"));
        errors.RequirePositive(s.SignOffEscalationAfter, path.Property("signOffEscalationAfter"));
        if (s.SignOffReminderAfter >= s.SignOffEscalationAfter && s.SignOffEscalationAfter > TimeSpan.Zero)
        {
            errors.Add(path.Property("signOffReminderAfter"), $"The reminder ({s.SignOffReminderAfter}) must come before the escalation ({s.SignOffEscalationAfter}).");
        }

        errors.RequireNoEmptyEntries(s.SignOffEscalationContacts, path.Property("signOffEscalationContacts"));
    }

    public void Thresholds(PerformanceThresholds t, string path)
    {
        errors.RequirePercentage(t.MaxErrorRatePercent, path.Property("maxErrorRatePercent"));
        if (t.MinAvailabilityPercent is { } availability)
        {
            errors.RequirePercentage(availability, path.Property("minAvailabilityPercent"));
        }

        if (t.MaxExceptionIncreasePercent is < 0)
        {
            errors.Add(path.Property("maxExceptionIncreasePercent"), "Must not be negative.");
        }

        if (t.MaxP95LatencyMilliseconds <= 0)
        {
            errors.Add(path.Property("maxP95LatencyMilliseconds"), "Must be positive.");
        }
    }
}
