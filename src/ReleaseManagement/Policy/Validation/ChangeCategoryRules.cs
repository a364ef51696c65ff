namespace ReleaseManagement.Policy.Validation;

/// <summary><c>changeCategories</c>: its approval route of existing stages and a reclassification that fits.</summary>
internal sealed class ChangeCategoryRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy) => Categories(policy, PolicyPath.Root.Property("changeCategories"));

    private void Categories(ReleasePolicy policy, string path)
    {
        foreach (var category in Enum.GetValues<ChangeCategory>())
        {
            if (!policy.ChangeCategories.TryGetValue(category, out var c))
            {
                continue; // the schema requires every category
            }

            var at = path.Property(category.ToString());
            for (var i = 0; i < c.ApprovalRoute.Count; i++)
            {
                errors.RequireApprovalStage(policy, c.ApprovalRoute[i], at.Property("approvalRoute").Index(i));
            }

            if (c.OnRiskAboveMax == RiskAboveMaxRule.Reclassify && c.MaxRisk is not null)
            {
                if (c.ReclassifyAs is not { } target || target == category)
                {
                    errors.Add(at.Property("reclassifyAs"), "onRiskAboveMax Reclassify names the category the request moves to (another category).");
                }
                else if (policy.ChangeCategories.TryGetValue(target, out var t) && t.MaxRisk is { } max && max < c.MaxRisk)
                {
                    errors.Add(at.Property("reclassifyAs"), $"The {target} category accepts less risk ({max}) than {category} ({c.MaxRisk}): a reclassified request would not fit it.");
                }
            }
        }
    }
}
