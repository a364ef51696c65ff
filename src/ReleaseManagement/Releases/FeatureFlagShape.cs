using System.Text.RegularExpressions;

namespace ReleaseManagement.Releases;

/// <summary>
/// A feature flag a release brings (docs/deployment-strategies.md, "Feature flags"): after the production deployment the
/// lifecycle turns it on at each of <see cref="Steps"/> in turn (percentages of its audience, increasing, the last 100),
/// and off on rollback.
/// </summary>
/// <param name="Name">The flag's name in the flag system (in App Configuration the key <c>.appconfig.featureflag/{Name}</c>).</param>
/// <param name="Steps">The exposure steps in percent, e.g. 5, 25, 100.</param>
public sealed record FeatureFlag(string Name, IReadOnlyList<int> Steps);

/// <summary>A feature flag as received (<see cref="FeatureFlag"/>).</summary>
public sealed record FeatureFlagBody
{
    public string? Name { get; init; }

    /// <summary>Decimals as received, so that 12.5 is reported as not a whole percentage instead of failing the body.</summary>
    public List<decimal?>? Steps { get; init; }
}

/// <summary>
/// Structural validation of a request's feature flags (<c>featureFlags[i]</c>): a name of the characters every flag system
/// here accepts (App Configuration keys refuse <c>%</c>, its feature flag names <c>:</c> and <c>,</c>; this keeps to
/// letters, digits, <c>.</c>, <c>_</c> and <c>-</c>, starting with a letter or digit, at most
/// <see cref="MaxNameLength"/>), named once, and 1 to <see cref="MaxSteps"/> whole percentages from 1 to 100, increasing,
/// the last 100 (a flag a release leaves partly on would never be finished).
/// </summary>
public static partial class FeatureFlagShape
{
    public const int MaxFlags = 20;
    public const int MaxSteps = 10;
    public const int MaxNameLength = 100;

    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    public static IReadOnlyList<FeatureFlag>? Validate(List<FeatureFlagBody?>? bodies, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (bodies is null || bodies.Count == 0)
        {
            return null;
        }

        if (bodies.Count > MaxFlags)
        {
            errors.Add("featureFlags", $"A release brings at most {MaxFlags} feature flags.");
            return null;
        }

        var list = new List<FeatureFlag>();
        for (var i = 0; i < bodies.Count; i++)
        {
            var at = $"featureFlags[{i}]";
            if (bodies[i] is not { } b)
            {
                errors.Add(at, "A feature flag must be an object.");
                continue;
            }

            var name = b.Name?.Trim();
            if (!IsValidName(name))
            {
                errors.Add($"{at}.name", $"The flag's name is required: 1 to {MaxNameLength} letters, digits, '.', '_' or '-', starting with a letter or digit.");
            }
            else if (list.Any(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add($"{at}.name", $"'{name}' is named twice.");
            }

            var steps = ValidateSteps(b.Steps, $"{at}.steps", errors);
            list.Add(new FeatureFlag(name ?? string.Empty, steps));
        }

        return list;
    }

    private static int[] ValidateSteps(List<decimal?>? steps, string at, ValidationErrors errors)
    {
        if (steps is not { Count: > 0 and <= MaxSteps })
        {
            errors.Add(at, $"1 to {MaxSteps} exposure steps in percent are required, increasing and ending at 100, e.g. [5, 25, 100].");
            return [];
        }

        var valid = new List<int>();
        for (var j = 0; j < steps.Count; j++)
        {
            if (steps[j] is not { } step || step != decimal.Truncate(step) || step is < 1 or > 100)
            {
                errors.Add($"{at}[{j}]", $"'{steps[j]}' is not a whole percentage from 1 to 100.");
            }
            else if (valid.Count > 0 && (int)step <= valid[^1])
            {
                errors.Add($"{at}[{j}]", $"{step} % does not increase on the step before it ({valid[^1]} %).");
            }
            else
            {
                valid.Add((int)step);
                continue;
            }

            return [.. valid];
        }

        if (valid[^1] != 100)
        {
            errors.Add(at, $"The last step must be 100 % (it is {valid[^1]} %): a release turns its flags fully on.");
        }

        return [.. valid];
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
