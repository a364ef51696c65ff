namespace ReleaseManagement.Policy.Validation;

/// <summary><c>resilience</c>: a positive longest outage and a backoff that grows from its first wait to its longest.</summary>
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

        if (!(r.Backoff.Coefficient >= 1 && r.Backoff.Coefficient <= 10))
        {
            errors.Add(backoff.Property("coefficient"), $"Must be between 1 and 10 (it is {r.Backoff.Coefficient}).");
        }
    }
}
