namespace ReleaseManagement.Policy.Validation;

/// <summary><c>promotion</c>: the standard and hotfix routes run from Development to Production step by step, and every trigger, validation, gate and approval stage they name exists.</summary>
internal sealed class PromotionRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy) => Promotion(policy, GateRules.QualityGateItemIds(policy), PolicyPath.Root.Property("promotion"));

    private void Promotion(ReleasePolicy policy, HashSet<string> gateItems, string path)
    {
        var milestones = policy.Promotion.Milestones.ToHashSet(StringComparer.Ordinal);
        Route(policy, policy.Promotion.Route, path.Property("route"), hotfix: false, gateItems, milestones);
        Route(policy, policy.Promotion.HotfixRoute, path.Property("hotfixRoute"), hotfix: true, gateItems, milestones);
    }

    private void Route(ReleasePolicy policy, IReadOnlyList<PromotionStep> route, string path, bool hotfix, HashSet<string> gateItems, HashSet<string> milestones)
    {
        if (route.Count == 0)
        {
            return; // the schema requires a step
        }

        if (route[0].From != DeploymentEnvironment.Development)
        {
            errors.Add(path.Index(0).Property("from"), "The route must start from Development.");
        }

        if (route[^1].To != DeploymentEnvironment.Production)
        {
            errors.Add(path.Index(route.Count - 1).Property("to"), "The route must end in Production.");
        }

        for (var i = 0; i < route.Count; i++)
        {
            var step = route[i];
            var at = path.Index(i);
            if (i > 0 && step.From != route[i - 1].To)
            {
                errors.Add(at.Property("from"), $"The step must start where the previous one ended ({route[i - 1].To}).");
            }

            var expectedTo = step.From + 1;
            if (step.To <= step.From || (!hotfix && step.To != expectedTo))
            {
                errors.Add(at.Property("to"), hotfix
                    ? $"A step must promote to a later environment than {step.From}."
                    : $"The standard route promotes one environment at a time: from {step.From} to {(step.From < DeploymentEnvironment.Production ? expectedTo : step.From)}.");
            }

            for (var j = 0; j < step.Trigger.Count; j++)
            {
                if (!milestones.Contains(step.Trigger[j]) && !gateItems.Contains(step.Trigger[j]))
                {
                    errors.Add(at.Property("trigger").Index(j), $"'{step.Trigger[j]}' is neither a milestone nor a quality gate item.");
                }
            }

            for (var j = 0; j < step.Validation.Count; j++)
            {
                if (!gateItems.Contains(step.Validation[j]))
                {
                    errors.Add(at.Property("validation").Index(j), $"'{step.Validation[j]}' is not a quality gate item.");
                }
            }

            for (var j = 0; j < step.Gates.Count; j++)
            {
                if (!policy.QualityGates.ContainsKey(step.Gates[j]))
                {
                    errors.Add(at.Property("gates").Index(j), $"The policy has no {step.Gates[j]} gate.");
                }
            }

            if (step.ApprovalStage is { } stage)
            {
                errors.RequireApprovalStage(policy, stage, at.Property("approvalStage"));
            }
        }
    }
}
