namespace ReleaseManagement.Policy;

/// <summary>A risk assessment: the matrix's level for an impact and probability, and what that level requires.</summary>
public sealed record RiskAssessment(RiskRating Impact, RiskRating Probability, RiskRating Level, RiskMitigation Mitigation);

/// <summary>Looks up the risk matrix. The mapping is the policy's table; nothing is computed here.</summary>
public static class RiskEvaluator
{
    public static RiskAssessment Assess(RiskMatrix matrix, RiskRating impact, RiskRating probability)
    {
        var cell = matrix.Cells.FirstOrDefault(c => c.Impact == impact && c.Probability == probability)
            ?? throw new InvalidOperationException($"The risk matrix has no cell for impact {impact} and probability {probability}.");
        if (!matrix.Mitigations.TryGetValue(cell.Level, out var mitigation))
        {
            throw new InvalidOperationException($"The risk matrix has no mitigation for level {cell.Level}.");
        }

        return new RiskAssessment(impact, probability, cell.Level, mitigation);
    }

    /// <summary>The assessment in words with its mitigation, as approvers see it.</summary>
    public static string Describe(RiskAssessment risk)
    {
        ArgumentNullException.ThrowIfNull(risk);
        var m = risk.Mitigation;
        return $"{risk.Level} (impact {risk.Impact}, probability {risk.Probability}): {m.Strategy}; testing depth {m.TestingDepth}"
            + (m.PhasedRolloutRequired ? "; phased (canary) rollout" : string.Empty)
            + (m.ExtraApprovalRoles.Count > 0 ? $"; extra approval by {string.Join(", ", m.ExtraApprovalRoles)}" : string.Empty) + ".";
    }
}
