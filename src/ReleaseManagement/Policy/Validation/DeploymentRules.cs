namespace ReleaseManagement.Policy.Validation;

/// <summary>
/// <c>deployment</c>: each strategy's steps read as its kind says (a canary's weights and a rolling deployment's batches
/// rise to 100; a blue-green strategy ends with its one swap), an analysed step is held, the rules and the default name
/// strategies of the policy, and a risk level whose mitigation requires a phased rollout is never given blue-green.
/// </summary>
internal sealed class DeploymentRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy)
    {
        var path = PolicyPath.Root.Property("deployment");
        var deployment = policy.Deployment;
        foreach (var (name, strategy) in deployment.Strategies.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            Strategy(name, strategy, path.Property("strategies").Property(name));
        }

        for (var i = 0; i < deployment.StrategyRules.Count; i++)
        {
            Known(deployment, deployment.StrategyRules[i].Strategy, path.Property("strategyRules").Index(i).Property("strategy"));
        }

        if (!Known(deployment, deployment.DefaultStrategy, path.Property("defaultStrategy"))
            || deployment.StrategyRules.Any(r => !deployment.Strategies.ContainsKey(r.Strategy ?? string.Empty)))
        {
            return;
        }

        foreach (var (level, mitigation) in policy.RiskMatrix.Mitigations.Where(m => m.Value.PhasedRolloutRequired).OrderBy(m => m.Key))
        {
            foreach (var type in Enum.GetValues<Releases.ReleaseType>())
            {
                var (name, strategy) = deployment.StrategyFor(type, level);
                if (strategy.Kind == StrategyKind.BlueGreen)
                {
                    errors.Add(path.Property("strategyRules"),
                        $"A {type} release at risk {level} would be deployed '{name}' (blue-green), but riskMatrix.mitigations.{level} requires a phased rollout: give that risk level a canary or rolling strategy.");
                    break;
                }
            }
        }
    }

    private bool Known(DeploymentPolicy deployment, string? name, string path)
    {
        if (name is not null && deployment.Strategies.ContainsKey(name))
        {
            return true;
        }

        errors.Add(path, $"'{name}' is not a strategy of deployment.strategies: use one of {string.Join(", ", deployment.Strategies.Keys.Order(StringComparer.Ordinal))}.");
        return false;
    }

    private void Strategy(string name, DeploymentStrategy strategy, string path)
    {
        var steps = strategy.Steps ?? [];
        if (steps.Count == 0)
        {
            errors.Add(path.Property("steps"), $"Strategy '{name}' has no step.");
            return;
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var last = 0;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var at = path.Property("steps").Index(i);
            if (string.IsNullOrWhiteSpace(step.Name) || !names.Add(step.Name))
            {
                errors.Add(at.Property("name"), $"Each step of '{name}' needs a name of its own ('{step.Name}').");
            }

            errors.RequireNonNegative(step.Hold, at.Property("hold"));
            if (step.Timeout is { } timeout)
            {
                errors.RequirePositive(timeout, at.Property("timeout"));
            }

            if (step.Analyse && step.Hold <= TimeSpan.Zero)
            {
                errors.Add(at.Property("analyse"), "An analysed step needs a hold: the analysis compares the new version with the baseline over it.");
            }

            var (share, field, other) = strategy.Kind switch
            {
                StrategyKind.Canary => (step.Weight, "weight", step.Batch is not null || step.Swap),
                StrategyKind.Rolling => (step.Batch, "batch", step.Weight is not null || step.Swap),
                _ => ((int?)null, string.Empty, step.Weight is not null || step.Batch is not null),
            };
            if (other)
            {
                errors.Add(at, $"A {strategy.Kind} step sets {(strategy.Kind == StrategyKind.BlueGreen ? "no weight or batch" : $"only '{field}' (no {(field == "weight" ? "batch" : "weight")}, no swap)")}.");
            }

            if (strategy.Kind == StrategyKind.BlueGreen)
            {
                if (step.Swap != (i == steps.Count - 1))
                {
                    errors.Add(at.Property("swap"), "A blue-green strategy swaps exactly once, at its last step.");
                }

                continue;
            }

            if (share is not { } value || value <= last || value > 100)
            {
                errors.Add(at.Property(field), $"Each {field} of a {strategy.Kind} strategy is a percentage above the one before it, at most 100 (it is {share?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"}).");
            }
            else
            {
                last = value;
            }

            if (i == steps.Count - 1 && share != 100)
            {
                errors.Add(at.Property(field), $"The last step of a {strategy.Kind} strategy takes 100 %.");
            }
        }
    }
}
