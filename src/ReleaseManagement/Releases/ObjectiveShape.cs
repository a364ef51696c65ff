using System.Globalization;
using ReleaseManagement.Objectives;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Releases;

/// <summary>
/// Structural validation of a request's business objectives (<c>objectives[i]</c>): an id, a description, and either a
/// measure with its comparison, target and checkpoints, or the role that attests it; never both. The policy's rules (the
/// measure exists, the checkpoints are not too late, someone holds the role) are <see cref="ReleaseRequestPolicyRules"/>'.
/// </summary>
public static class ObjectiveShape
{
    public const int MaxDescriptionLength = 500;
    public const int MaxCheckpoints = 5;

    public static IReadOnlyList<BusinessObjective>? Validate(List<ObjectiveBody?>? bodies, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (bodies is null || bodies.Count == 0)
        {
            return null;
        }

        var list = new List<BusinessObjective>();
        for (var i = 0; i < bodies.Count; i++)
        {
            var at = $"objectives[{i}]";
            if (bodies[i] is not { } b)
            {
                errors.Add(at, "An objective must be an object.");
                continue;
            }

            var id = b.Id?.Trim();
            if (string.IsNullOrEmpty(id) || !ReleaseIds.IsValid(id))
            {
                errors.Add($"{at}.id", "The objective's id is required: letters, digits, '.', '_' or '-'.");
            }
            else if (list.Any(o => string.Equals(o.Id, id, StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add($"{at}.id", $"'{id}' is named twice.");
            }

            var description = b.Description?.Trim();
            if (string.IsNullOrEmpty(description) || description.Length > MaxDescriptionLength)
            {
                errors.Add($"{at}.description", $"A description of 1 to {MaxDescriptionLength} characters is required.");
            }

            var measured = !string.IsNullOrWhiteSpace(b.Measure);
            var attested = !string.IsNullOrWhiteSpace(b.AttestedBy);
            if (measured == attested)
            {
                errors.Add(at, "Give either a measure (with comparison, target and after) or attestedBy (the role that attests it), not both.");
                continue;
            }

            var objective = new BusinessObjective(id ?? string.Empty, description ?? string.Empty);
            if (attested)
            {
                list.Add(objective with { AttestedBy = b.AttestedBy!.Trim() });
                continue;
            }

            ThresholdComparison? comparison = Enum.TryParse<ThresholdComparison>(b.Comparison, ignoreCase: true, out var c) && !int.TryParse(b.Comparison, out _) ? c : null;
            if (comparison is null)
            {
                errors.Add($"{at}.comparison", "The comparison is required: AtLeast or AtMost.");
            }

            if (b.Target is null)
            {
                errors.Add($"{at}.target", "The target value is required.");
            }

            var after = new List<TimeSpan>();
            if (b.After is not { Count: > 0 and <= MaxCheckpoints })
            {
                errors.Add($"{at}.after", $"1 to {MaxCheckpoints} checkpoints after the production deployment are required, e.g. [\"7.00:00:00\", \"30.00:00:00\"].");
            }
            else
            {
                for (var j = 0; j < b.After.Count; j++)
                {
                    if (TimeSpan.TryParseExact(b.After[j], "c", CultureInfo.InvariantCulture, out var t) && t > TimeSpan.Zero && !after.Contains(t))
                    {
                        after.Add(t);
                    }
                    else
                    {
                        errors.Add($"{at}.after[{j}]", $"'{b.After[j]}' is not a positive duration (d.hh:mm:ss) named once.");
                    }
                }
            }

            list.Add(objective with { Measure = b.Measure!.Trim(), Comparison = comparison, Target = b.Target, After = after.Order().ToArray() });
        }

        return list;
    }
}
