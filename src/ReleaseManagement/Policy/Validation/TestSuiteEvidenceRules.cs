namespace ReleaseManagement.Policy.Validation;

/// <summary><c>testSuiteEvidence</c>: the result and coverage items are quality gate items.</summary>
internal sealed class TestSuiteEvidenceRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy) => TestSuites(policy.TestSuiteEvidence, GateRules.QualityGateItemIds(policy), PolicyPath.Root.Property("testSuiteEvidence"));

    private void TestSuites(TestSuiteEvidence t, HashSet<string> gateItems, string path)
    {
        foreach (var (item, name) in new[] { (t.ResultItem, "resultItem"), (t.CoverageItem, "coverageItem") })
        {
            if (string.IsNullOrWhiteSpace(item) || !gateItems.Contains(item))
            {
                errors.Add(path.Property(name), $"'{item}' is not a gate item of this policy: use one of {string.Join(", ", gateItems.Order(StringComparer.Ordinal))}.");
            }
        }
    }
}
