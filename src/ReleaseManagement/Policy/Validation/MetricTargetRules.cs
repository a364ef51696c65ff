namespace ReleaseManagement.Policy.Validation;

/// <summary><c>metricTargets</c>: percentages between 0 and 100, counts not negative, durations positive.</summary>
internal sealed class MetricTargetRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy) => Metrics(policy.MetricTargets, PolicyPath.Root.Property("metricTargets"));

    private void Metrics(MetricTargets m, string path)
    {
        errors.RequirePercentage(m.MaxDefectEscapeRatePercent, path.Property("maxDefectEscapeRatePercent"));
        errors.RequirePercentage(m.MinTestCoveragePercent, path.Property("minTestCoveragePercent"));
        errors.RequirePercentage(m.MinDeploymentSuccessRatePercent, path.Property("minDeploymentSuccessRatePercent"));
        if (m.MaxRollbacksPerReleaseCycle < 0)
        {
            errors.Add(path.Property("maxRollbacksPerReleaseCycle"), "Must not be negative.");
        }

        errors.RequirePositive(m.MaxDeploymentTime, path.Property("maxDeploymentTime"));
        errors.RequirePositive(m.MaxRecoveryTime, path.Property("maxRecoveryTime"));
        errors.RequirePositive(m.MaxChangeLeadTime, path.Property("maxChangeLeadTime"));
        if (m.MinReleasesPerQuarter < 0)
        {
            errors.Add(path.Property("minReleasesPerQuarter"), "Must not be negative.");
        }
    }
}
