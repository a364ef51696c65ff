using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy.Validation;

/// <summary><c>releaseTypes</c>: its planning horizon makes sense and its approval stage exists (the schema says which types there are).</summary>
internal sealed class ReleaseTypeRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy) => ReleaseTypes(policy, PolicyPath.Root.Property("releaseTypes"));

    private void ReleaseTypes(ReleasePolicy policy, string path)
    {
        foreach (var type in Enum.GetValues<ReleaseType>())
        {
            if (!policy.ReleaseTypes.TryGetValue(type, out var t))
            {
                continue; // the schema requires every type
            }

            var at = path.Property(type.ToString());
            var horizon = at.Property("planningHorizon");
            errors.RequireNonNegative(t.PlanningHorizon.MinLeadTime, horizon.Property("minLeadTime"));
            if (t.PlanningHorizon.MaxLeadTime < t.PlanningHorizon.MinLeadTime)
            {
                errors.Add(horizon.Property("maxLeadTime"), $"The maximum lead time ({t.PlanningHorizon.MaxLeadTime}) is shorter than the minimum ({t.PlanningHorizon.MinLeadTime}).");
            }

            errors.RequireApprovalStage(policy, t.ApprovalStage, at.Property("approvalStage"));
        }
    }
}
