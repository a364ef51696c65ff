namespace ReleaseManagement.Policy;

/// <summary>Whether an approval stage's gate lets approvals count: pure decisions the orchestration and the API share.</summary>
public static class ApprovalGates
{
    /// <summary>
    /// Why an approval is not accepted now, or null: a gate that blocks (<paramref name="gateBlocks"/>) has a failed item
    /// and the stage's rule does not allow approvals with failing gates. A rejection is always accepted.
    /// </summary>
    public static string? BlockedBy(GateEvaluation gates, ApprovalRule rule, bool gateBlocks)
    {
        ArgumentNullException.ThrowIfNull(gates);
        ArgumentNullException.ThrowIfNull(rule);
        if (!gateBlocks || rule.AllowWithFailingGates)
        {
            return null;
        }

        var failed = gates.Items.Where(i => i.Verdict == GateVerdict.Failed).Select(i => i.Item).ToArray();
        return failed.Length == 0
            ? null
            : $"the gate is failing ({string.Join(", ", failed)}) and this stage's rule does not allow an approval while a gate fails; fix, re-run or waive the failing item{(failed.Length == 1 ? string.Empty : "s")} first.";
    }

    /// <summary>A string that changes whenever a verdict (or its reason) changes.</summary>
    public static string Signature(GateEvaluation gates)
    {
        ArgumentNullException.ThrowIfNull(gates);
        return string.Join("\n", gates.Items.Select(i => $"{i.Item}|{i.Verdict}|{i.Reason}"));
    }
}
