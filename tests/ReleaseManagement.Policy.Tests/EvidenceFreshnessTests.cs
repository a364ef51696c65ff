using ReleaseManagement.Policy;

namespace ReleaseManagement.Policy.Tests;

public sealed class EvidenceFreshnessTests
{
    private static readonly DateTimeOffset Now = new(2027, 1, 5, 20, 0, 0, TimeSpan.Zero);

    private static readonly GateItem Backup = new()
    {
        Id = "backup", Description = "Backup", SatisfiedBy = GateSatisfaction.Evidence, AttestationRoles = [], Waivable = true,
        Environment = DeploymentEnvironment.Production, MaxAge = TimeSpan.FromHours(24),
    };

    private static GateItemResult Evaluate(GateItem item, params GateEvidence[] evidence) =>
        EvidenceFreshness.EvaluateItem(item, new GateInputs(evidence, [], []), null, Now);

    [Fact]
    public void EvaluateItem_FreshEvidenceAboutTheEnvironment_Passes()
    {
        Assert.Equal(GateVerdict.Passed, Evaluate(Backup, new GateEvidence("backup", Now.AddHours(-23), true, Environment: "production")).Verdict);
    }

    [Fact]
    public void EvaluateItem_EvidenceOlderThanMaxAge_IsStaleSayingHowOld()
    {
        var result = Evaluate(Backup, new GateEvidence("backup", Now.AddHours(-25).AddMinutes(-2), true, Environment: "production"));

        Assert.Equal(GateVerdict.Stale, result.Verdict);
        Assert.Equal("The evidence for 'backup' is 25 h 2 min old (at most 1 day): send fresh evidence about production, at most 1 day old.", result.Reason);
    }

    [Fact]
    public void EvaluateItem_EvidenceAboutAnotherEnvironmentOrNone_IsStale()
    {
        Assert.Contains("is about staging, not production", Evaluate(Backup, new GateEvidence("backup", Now, true, Environment: "staging")).Reason);
        Assert.Contains("names no environment", Evaluate(Backup, new GateEvidence("backup", Now, true)).Reason);
        Assert.Equal(GateVerdict.Stale, Evaluate(Backup, new GateEvidence("backup", Now, true)).Verdict);
    }

    [Fact]
    public void EvaluateItem_NewerUsableFailure_DecidesOverOlderStaleEvidence()
    {
        var result = Evaluate(Backup, new GateEvidence("backup", Now.AddHours(-30), true, Environment: "production"), new GateEvidence("backup", Now.AddHours(-1), false, Environment: "production"));

        Assert.Equal(GateVerdict.Failed, result.Verdict);
    }

    [Fact]
    public void EvaluateItem_StaleEvidenceButAWaiver_IsWaived()
    {
        var inputs = new GateInputs([new GateEvidence("backup", Now.AddDays(-3), true, Environment: "production")], [], [new GateWaiver("backup", "Snapshot by hand", "rm@example.com", Now)]);

        Assert.Equal(GateVerdict.Waived, EvidenceFreshness.EvaluateItem(Backup, inputs, null, Now).Verdict);
    }

    [Fact]
    public void Evaluation_WithAStaleItem_IsNotSatisfied()
    {
        var evaluation = EvidenceFreshness.Evaluate(new QualityGate { Items = [Backup] }, new GateInputs([new GateEvidence("backup", Now.AddDays(-2), true, Environment: "production")], [], []), null, Now);

        Assert.False(evaluation.IsSatisfied);
        Assert.Equal(GateVerdict.Pending, evaluation.Overall);
    }

    [Fact]
    public void EvaluateItem_ItemWithoutEnvironmentOrMaxAge_IsTheEvaluatorsRule()
    {
        var item = Backup with { Environment = null, MaxAge = null };

        Assert.Equal(GateVerdict.Passed, Evaluate(item, new GateEvidence("backup", Now.AddDays(-300), true)).Verdict);
    }

    [Fact]
    public void Defaults_ProductionChecksNeedProductionEvidenceOfTheProceduresAge()
    {
        var items = ReleasePolicyDefaults.Create().QualityGates[GateKind.Deployment].Items.ToDictionary(i => i.Id);

        Assert.Equal((DeploymentEnvironment.Production, TimeSpan.FromHours(24)), (items["backup"].Environment, items["backup"].MaxAge));
        Assert.Equal((DeploymentEnvironment.Production, TimeSpan.FromHours(1)), (items["environment-health"].Environment, items["environment-health"].MaxAge));
        Assert.Equal((DeploymentEnvironment.Production, TimeSpan.FromHours(1)), (items["monitoring-active"].Environment, items["monitoring-active"].MaxAge));
    }
}
