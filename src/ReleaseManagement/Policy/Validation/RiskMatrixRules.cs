namespace ReleaseManagement.Policy.Validation;

/// <summary><c>riskMatrix</c>: all nine cells once each; each level's <c>waiverQuorum</c> at least 1.</summary>
internal sealed class RiskMatrixRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy)
    {
        var path = PolicyPath.Root.Property("riskMatrix");
        Risk(policy.RiskMatrix, path);
        foreach (var (level, mitigation) in policy.RiskMatrix.Mitigations.OrderBy(m => m.Key))
        {
            if (mitigation.WaiverQuorum < 1)
            {
                errors.Add(path.Property("mitigations").Property(level.ToString()).Property("waiverQuorum"),
                    $"A waiver needs at least one person; {mitigation.WaiverQuorum} would let an item pass unwaived.");
            }
        }
    }

    private void Risk(RiskMatrix matrix, string path)
    {
        var cells = path.Property("cells");
        var seen = new HashSet<(RiskRating, RiskRating)>();
        for (var i = 0; i < matrix.Cells.Count; i++)
        {
            var c = matrix.Cells[i];
            if (!seen.Add((c.Impact, c.Probability)))
            {
                errors.Add(cells.Index(i), $"Impact {c.Impact} and probability {c.Probability} appear twice.");
            }
        }

        foreach (var impact in Enum.GetValues<RiskRating>())
        {
            foreach (var probability in Enum.GetValues<RiskRating>())
            {
                if (!seen.Contains((impact, probability)))
                {
                    errors.Add(cells, $"The cell for impact {impact} and probability {probability} is missing: the matrix needs all nine.");
                }
            }
        }
    }
}
