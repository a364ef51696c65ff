using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy;

/// <summary>
/// Who approves each stage of a release, in one place for the lifecycle, request validation, the notices, the dashboard
/// and the handlers: the stages of the type's route (the plan or emergency stage, then each promotion stage with an
/// approval), the plan rule with the roles the risk's mitigation (<see cref="RiskMitigation.ExtraApprovalRoles"/>), the
/// change category (<see cref="ChangeCategoryPolicy.ExtraApprovalRoles"/>) and the request-time rules (the release manager
/// for a release over its type's cadence under <see cref="FrequencyRule.RequireApproval"/>) add; the stages the category's
/// <see cref="ChangeCategoryPolicy.ApprovalRoute"/> does not keep are pre-approved (<see cref="Skipped"/>).
/// </summary>
public sealed class ApprovalPlan
{
    private readonly IReadOnlyList<KeyValuePair<string, ApprovalRule>> _route;

    private ApprovalPlan(string planStage, IReadOnlyList<KeyValuePair<string, ApprovalRule>> route, IReadOnlyList<string> skipped)
    {
        PlanStage = planStage;
        _route = route;
        Skipped = skipped;
        Stages = route.Where(r => !skipped.Contains(r.Key, StringComparer.Ordinal)).ToArray();
    }

    /// <summary>The stage that approves the plan (or, for a hotfix, the emergency): the type's approval stage.</summary>
    public string PlanStage { get; }

    /// <summary>The rule of <see cref="PlanStage"/> with every added role (also when the category pre-approves the stage).</summary>
    public ApprovalRule Plan => _route[0].Value;

    /// <summary>The stages the release is asked about, by key, in the order they apply, with their rules.</summary>
    public IReadOnlyList<KeyValuePair<string, ApprovalRule>> Stages { get; }

    /// <summary>Every stage of the type's route, asked or pre-approved, in order.</summary>
    public IReadOnlyList<string> Route => _route.Select(r => r.Key).ToArray();

    /// <summary>The stages of the route the release's change category pre-approves (nobody is asked).</summary>
    public IReadOnlyList<string> Skipped { get; }

    /// <summary>Whether the release goes through <paramref name="stage"/>: on its route and not pre-approved by its category.</summary>
    public bool Asks(string stage) => Stages.Any(s => s.Key == stage);

    /// <summary>Whether <paramref name="stage"/> is on the route but pre-approved by the release's change category.</summary>
    public bool PreApproves(string stage) => Skipped.Contains(stage, StringComparer.Ordinal);

    /// <summary>The rule of <paramref name="stage"/> (with the plan's added roles for the plan stage); null when not on the route.</summary>
    public ApprovalRule? RuleOf(string stage) => _route.FirstOrDefault(r => r.Key == stage).Value;

    /// <summary>
    /// The plan of <paramref name="release"/> at <paramref name="risk"/>; <paramref name="extraRoles"/> are the roles the
    /// request-time rules add to the plan stage for this release (null or empty adds nothing).
    /// </summary>
    public static ApprovalPlan For(ReleasePolicy policy, ReleaseRequest release, RiskAssessment risk, IReadOnlyList<string>? extraRoles)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(release);
        ArgumentNullException.ThrowIfNull(risk);
        var type = policy.ReleaseTypes[release.Type];
        var categoryPolicy = policy.ChangeCategories.GetValueOrDefault(release.EffectiveChangeCategory);

        var plan = policy.Approvals[type.ApprovalStage];
        plan = type.ApprovalRoles.Count > 0 ? plan with { RequiredRoles = type.ApprovalRoles } : plan;
        IEnumerable<string> added = [.. risk.Mitigation.ExtraApprovalRoles, .. categoryPolicy?.ExtraApprovalRoles ?? [], .. extraRoles ?? []];
        plan = added.Any() ? plan with { RequiredRoles = [.. plan.RequiredRoles.Union(added, StringComparer.Ordinal)] } : plan;

        var route = new List<KeyValuePair<string, ApprovalRule>> { new(type.ApprovalStage, plan) };
        foreach (var step in policy.PromotionRoute(release.Type))
        {
            if (step.ApprovalStage is { } stage && route.All(r => r.Key != stage) && policy.Approvals.TryGetValue(stage, out var rule))
            {
                route.Add(new(stage, rule));
            }
        }

        var skipped = categoryPolicy is null
            ? []
            : route.Select(r => r.Key).Where(s => !categoryPolicy.ApprovalRoute.Contains(s, StringComparer.Ordinal)).ToArray();
        return new ApprovalPlan(type.ApprovalStage, route, skipped);
    }

    /// <summary>The plan of <paramref name="release"/> at the risk its impact and probability assess to.</summary>
    public static ApprovalPlan For(ReleasePolicy policy, ReleaseRequest release, IReadOnlyList<string>? extraRoles = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(release);
        return For(policy, release, RiskEvaluator.Assess(policy.RiskMatrix, release.Impact, release.Probability), extraRoles);
    }

    /// <summary>
    /// The plan of a stored release, for views and notices: its risk, its category and the roles its admission added
    /// (<see cref="ReleaseAdmission.ExtraPlanApprovalRoles(ReleasePolicy, ReleaseRecord)"/>, from the warning it carries).
    /// </summary>
    public static ApprovalPlan For(ReleasePolicy policy, ReleaseRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return For(policy, record.Request, ReleaseAdmission.ExtraPlanApprovalRoles(policy, record));
    }
}
