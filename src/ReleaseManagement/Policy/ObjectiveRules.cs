using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy;

/// <summary>
/// The policy's rules for a request's business objectives: at most <see cref="BusinessObjectivesPolicy.MaxObjectives"/>;
/// a measure the policy defines, checkpoints no later than <see cref="BusinessObjectivesPolicy.MaxAfter"/>; an attesting
/// role someone holds for the release.
/// </summary>
public static class ObjectiveRules
{
    public static void Check(ReleasePolicy policy, ReleaseRequest request, IReadOnlyDictionary<string, IReadOnlyList<string>>? releaseApprovers, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        var objectives = request.Objectives ?? [];
        var rules = policy.BusinessObjectives;
        if (objectives.Count > rules.MaxObjectives)
        {
            errors.Add("objectives", $"At most {rules.MaxObjectives} objectives may be named.");
        }

        var people = ApproverDirectory.Resolve(policy, request.Systems, releaseApprovers);
        for (var i = 0; i < objectives.Count; i++)
        {
            var o = objectives[i];
            if (o.IsMeasured)
            {
                if (!rules.Measures.ContainsKey(o.Measure!))
                {
                    errors.Add($"objectives[{i}].measure", rules.Measures.Count == 0
                        ? $"'{o.Measure}' is not a measure: the policy defines none (businessObjectives.measures); name the role that attests it instead (attestedBy)."
                        : $"'{o.Measure}' is not a measure of the policy: use one of {string.Join(", ", rules.Measures.Keys.Order(StringComparer.Ordinal))}.");
                }

                if (o.After.Any(a => a > rules.MaxAfter))
                {
                    errors.Add($"objectives[{i}].after", $"A checkpoint may be at most {PolicyTime.Describe(rules.MaxAfter)} after the deployment (businessObjectives.maxAfter).");
                }
            }
            else if (people.GetValueOrDefault(o.AttestedBy!) is not { Count: > 0 })
            {
                errors.Add($"objectives[{i}].attestedBy", $"Nobody holds the role '{o.AttestedBy}' for this release: name people for it (approvers) or choose another role.");
            }
        }
    }
}
