namespace ReleaseManagement.Policy.Validation;

/// <summary><c>resilience</c>: a positive longest outage and a backoff whose longest wait is not shorter than its first (the schema bounds its coefficient).</summary>
internal sealed class ResilienceRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy) => Resilience(policy.Resilience, PolicyPath.Root.Property("resilience"));

    private void Resilience(ResiliencePolicy r, string path)
    {
        errors.RequirePositive(r.MaxOutage, path.Property("maxOutage"));
        var backoff = path.Property("backoff");
        errors.RequirePositive(r.Backoff.Initial, backoff.Property("initial"));
        errors.RequirePositive(r.Backoff.Max, backoff.Property("max"));
        if (r.Backoff.Max < r.Backoff.Initial)
        {
            errors.Add(backoff.Property("max"), $"The longest wait ({r.Backoff.Max}) is shorter than the first ({r.Backoff.Initial}).");
        }
    }
}
