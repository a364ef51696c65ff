namespace ReleaseManagement.Policy.Validation;

/// <summary><c>metricTargets</c>: its durations are positive (the schema bounds its percentages and counts).</summary>
internal sealed class MetricTargetRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy) => Metrics(policy.MetricTargets, PolicyPath.Root.Property("metricTargets"));

    private void Metrics(MetricTargets m, string path)
    {
        errors.RequirePositive(m.MaxDeploymentTime, path.Property("maxDeploymentTime"));
        errors.RequirePositive(m.MaxRecoveryTime, path.Property("maxRecoveryTime"));
        errors.RequirePositive(m.MaxChangeLeadTime, path.Property("maxChangeLeadTime"));
    }
}
