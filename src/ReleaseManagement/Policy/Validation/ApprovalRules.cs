namespace ReleaseManagement.Policy.Validation;

/// <summary><c>approvals</c>: a rule for every approval stage and no other, each with roles, a timeout, a reminder inside it and an escalation that can happen.</summary>
internal sealed class ApprovalRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy) => Approvals(policy, PolicyPath.Root.Property("approvals"));

    private void Approvals(ReleasePolicy policy, string path)
    {
        foreach (var stage in ApprovalStageKeys.All)
        {
            if (!policy.Approvals.ContainsKey(stage))
            {
                errors.Add(path, $"The approval rule for stage '{stage}' is missing.");
            }
        }

        foreach (var (stage, rule) in policy.Approvals)
        {
            var at = path.Property(stage);
            if (!ApprovalStageKeys.All.Contains(stage))
            {
                errors.Add(at, $"'{stage}' is not an approval stage: use {string.Join(", ", ApprovalStageKeys.All)}.");
            }

            if (rule.RequiredRoles.Count == 0)
            {
                errors.Add(at.Property("requiredRoles"), "At least one role is required.");
            }

            errors.RequireNoEmptyEntries(rule.RequiredRoles, at.Property("requiredRoles"));
            errors.RequirePositive(rule.Timeout, at.Property("timeout"));
            errors.RequireNonNegative(rule.ReminderBefore, at.Property("reminderBefore"));
            if (rule.ReminderBefore >= rule.Timeout && rule.Timeout > TimeSpan.Zero)
            {
                errors.Add(at.Property("reminderBefore"), $"The reminder ({rule.ReminderBefore} before the timeout) must come after the stage opens: make it shorter than the timeout ({rule.Timeout}).");
            }

            errors.RequireNoEmptyEntries(rule.EscalationContacts, at.Property("escalationContacts"));
            if (rule.OnTimeout == TimeoutOutcome.EscalateThenReject)
            {
                if (rule.EscalationContacts.Count == 0)
                {
                    errors.Add(at.Property("escalationContacts"), "EscalateThenReject needs at least one escalation contact.");
                }

                errors.RequirePositive(rule.EscalationTimeout, at.Property("escalationTimeout"));
            }
            else
            {
                errors.RequireNonNegative(rule.EscalationTimeout, at.Property("escalationTimeout"));
            }
        }
    }
}
