namespace ReleaseManagement.Policy;

public enum DeviationKind
{
    /// <summary>The setting is absent (or empty).</summary>
    Missing,

    /// <summary>The setting has another value than the standard requires.</summary>
    Mismatch,
}

/// <summary>One way an environment's configuration departs from its standard.</summary>
public sealed record ConfigurationDeviation(
    DeploymentEnvironment Environment,
    string Setting,
    DeviationKind Kind,
    string Expected,
    string? Actual,
    string Message);

/// <summary>Checks an environment's actual configuration against the policy's standard and reports every deviation.</summary>
public static class EnvironmentConfigurationCheck
{
    /// <param name="actual">The environment's settings by name (matched case-insensitively); values compared trimmed and case-insensitively.</param>
    public static IReadOnlyList<ConfigurationDeviation> Check(
        ReleasePolicy policy, DeploymentEnvironment environment, IReadOnlyDictionary<string, string?> actual)
    {
        if (!policy.Environments.TryGetValue(environment, out var standard))
        {
            return [];
        }

        var byName = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in actual)
        {
            byName[key.Trim()] = value;
        }

        var deviations = new List<ConfigurationDeviation>();
        foreach (var (setting, expected) in standard.RequiredSettings.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!byName.TryGetValue(setting, out var value) || string.IsNullOrWhiteSpace(value))
            {
                var secret = standard.SecretSettings.Contains(setting, StringComparer.OrdinalIgnoreCase);
                deviations.Add(new(environment, setting, DeviationKind.Missing, secret ? SecretHash.Hidden : expected, null,
                    secret ? $"{environment}: '{setting}' is not set (a secret: its value is not shown)." : $"{environment}: '{setting}' is not set; the standard requires '{expected}'."));
            }
            else if (standard.SecretSettings.Contains(setting, StringComparer.OrdinalIgnoreCase))
            {
                if (!string.Equals(SecretHash.Of(value), SecretHash.Of(expected), StringComparison.Ordinal))
                {
                    deviations.Add(new(environment, setting, DeviationKind.Mismatch, SecretHash.Hidden, SecretHash.Hidden,
                        $"{environment}: '{setting}' differs from the standard (a secret: compared by hash, not shown)."));
                }
            }
            else if (!string.Equals(value.Trim(), expected.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                deviations.Add(new(environment, setting, DeviationKind.Mismatch, expected, value,
                    $"{environment}: '{setting}' is '{value.Trim()}'; the standard requires '{expected}'."));
            }
        }

        return deviations;
    }

    /// <summary>Checks every environment the policy has a standard for; an environment missing from <paramref name="actual"/> misses every setting.</summary>
    public static IReadOnlyList<ConfigurationDeviation> CheckAll(
        ReleasePolicy policy, IReadOnlyDictionary<DeploymentEnvironment, IReadOnlyDictionary<string, string?>> actual) =>
        policy.Environments.Keys.Order()
            .SelectMany(env => Check(policy, env, actual.TryGetValue(env, out var settings) ? settings : new Dictionary<string, string?>()))
            .ToArray();
}
