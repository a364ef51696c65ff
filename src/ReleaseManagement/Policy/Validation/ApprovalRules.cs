namespace ReleaseManagement.Policy.Validation;

/// <summary><c>approvals</c>: each stage's timeout is positive, its reminder comes inside it, and an escalation has someone to go to and time to happen (the schema says which stages there are).</summary>
internal sealed class ApprovalRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy) => Approvals(policy, PolicyPath.Root.Property("approvals"));

    private void Approvals(ReleasePolicy policy, string path)
    {
        foreach (var (stage, rule) in policy.Approvals)
        {
            var at = path.Property(stage);
            errors.RequirePositive(rule.Timeout, at.Property("timeout"));
            errors.RequireNonNegative(rule.ReminderBefore, at.Property("reminderBefore"));
            if (rule.ReminderBefore >= rule.Timeout && rule.Timeout > TimeSpan.Zero)
            {
                errors.Add(at.Property("reminderBefore"), $"The reminder ({rule.ReminderBefore} before the timeout) must come after the stage opens: make it shorter than the timeout ({rule.Timeout}).");
            }

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
