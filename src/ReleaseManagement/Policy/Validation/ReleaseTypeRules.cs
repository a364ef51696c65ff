using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy.Validation;

/// <summary><c>releaseTypes</c>: every release type is defined, its planning horizon makes sense, its approval stage exists.</summary>
internal sealed class ReleaseTypeRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy) => ReleaseTypes(policy, PolicyPath.Root.Property("releaseTypes"));

    private void ReleaseTypes(ReleasePolicy policy, string path)
    {
        foreach (var type in Enum.GetValues<ReleaseType>())
        {
            if (!policy.ReleaseTypes.TryGetValue(type, out var t))
            {
                errors.Add(path, $"The {type} release type is missing.");
                continue;
            }

            var at = path.Property(type.ToString());
            var horizon = at.Property("planningHorizon");
            errors.RequireNonNegative(t.PlanningHorizon.MinLeadTime, horizon.Property("minLeadTime"));
            if (t.PlanningHorizon.MaxLeadTime < t.PlanningHorizon.MinLeadTime)
            {
                errors.Add(horizon.Property("maxLeadTime"), $"The maximum lead time ({t.PlanningHorizon.MaxLeadTime}) is shorter than the minimum ({t.PlanningHorizon.MinLeadTime}).");
            }

            errors.RequireApprovalStage(policy, t.ApprovalStage, at.Property("approvalStage"));
            errors.RequireNoEmptyEntries(t.ApprovalRoles, at.Property("approvalRoles"));
        }
    }
}
