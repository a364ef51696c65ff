using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

public class RiskEvaluatorTests
{
    [Theory]
    [InlineData(RiskRating.High, RiskRating.High, RiskRating.High)]
    [InlineData(RiskRating.Medium, RiskRating.Medium, RiskRating.Medium)]
    [InlineData(RiskRating.Low, RiskRating.Low, RiskRating.Low)]
    [InlineData(RiskRating.High, RiskRating.Low, RiskRating.Medium)]
    [InlineData(RiskRating.Low, RiskRating.High, RiskRating.Medium)]
    [InlineData(RiskRating.Medium, RiskRating.High, RiskRating.High)]
    [InlineData(RiskRating.Medium, RiskRating.Low, RiskRating.Low)]
    public void Assess_DefaultMatrix_GivesTheTableLevel(RiskRating impact, RiskRating probability, RiskRating level)
    {
        var result = RiskEvaluator.Assess(Default.RiskMatrix, impact, probability);

        Assert.Equal(level, result.Level);
        Assert.Same(Default.RiskMatrix.Mitigations[level].Strategy, result.Mitigation.Strategy);
    }

    [Fact]
    public void Assess_High_RequiresExtensiveTestingPhasedRolloutAndAnExtraApproval()
    {
        var m = RiskEvaluator.Assess(Default.RiskMatrix, RiskRating.High, RiskRating.High).Mitigation;

        Assert.Equal(TestingDepth.Extensive, m.TestingDepth);
        Assert.True(m.PhasedRolloutRequired);
        Assert.Equal([PolicyRoles.ReleaseManager], m.ExtraApprovalRoles);
        Assert.Equal("Extensive testing, phased rollout", m.Strategy);
    }

    [Fact]
    public void Assess_Low_RequiresBasicTestingOnly()
    {
        var m = RiskEvaluator.Assess(Default.RiskMatrix, RiskRating.Low, RiskRating.Low).Mitigation;

        Assert.Equal(TestingDepth.Basic, m.TestingDepth);
        Assert.False(m.PhasedRolloutRequired);
        Assert.Empty(m.ExtraApprovalRoles);
    }

    [Fact]
    public void Assess_MatrixChangedInData_FollowsTheData()
    {
        var matrix = Default.RiskMatrix with
        {
            Cells = Default.RiskMatrix.Cells.Select(c => c with { Level = RiskRating.High }).ToArray(),
        };

        Assert.Equal(RiskRating.High, RiskEvaluator.Assess(matrix, RiskRating.Low, RiskRating.Low).Level);
    }

    [Fact]
    public void Assess_MissingCell_Throws()
    {
        var matrix = Default.RiskMatrix with { Cells = [] };

        Assert.Throws<InvalidOperationException>(() => RiskEvaluator.Assess(matrix, RiskRating.Low, RiskRating.Low));
    }
}

public class EnvironmentConfigurationCheckTests
{
    private static Dictionary<string, string?> Compliant(DeploymentEnvironment environment) =>
        Default.Environments[environment].RequiredSettings.ToDictionary(kv => kv.Key, kv => (string?)kv.Value);

    [Fact]
    public void Check_CompliantProduction_HasNoDeviation()
    {
        var actual = Compliant(DeploymentEnvironment.Production);
        actual["encryptionEnabled"] = " TRUE ";
        actual["somethingElse"] = "ignored";

        Assert.Empty(EnvironmentConfigurationCheck.Check(Default, DeploymentEnvironment.Production, actual));
    }

    [Fact]
    public void Check_SeveralDeviations_ReportsEveryOne()
    {
        var actual = Compliant(DeploymentEnvironment.Production);
        actual["tlsRequired"] = "false";
        actual.Remove("auditLoggingEnabled");
        actual["apiEndpoint"] = "http://api.townepark.com";
        actual["authenticationRequired"] = "";

        var deviations = EnvironmentConfigurationCheck.Check(Default, DeploymentEnvironment.Production, actual);

        Assert.Equal(
            [("apiEndpoint", DeviationKind.Mismatch), ("auditLoggingEnabled", DeviationKind.Missing), ("authenticationRequired", DeviationKind.Missing), ("tlsRequired", DeviationKind.Mismatch)],
            deviations.Select(d => (d.Setting, d.Kind)));
        var tls = deviations.Single(d => d.Setting == "tlsRequired");
        Assert.Equal("true", tls.Expected);
        Assert.Equal("false", tls.Actual);
        Assert.Equal("Production: 'tlsRequired' is 'false'; the standard requires 'true'.", tls.Message);
    }

    [Fact]
    public void Check_SettingNamesInAnotherCase_Match()
    {
        var actual = Compliant(DeploymentEnvironment.Staging).ToDictionary(kv => kv.Key.ToUpperInvariant(), kv => kv.Value);

        Assert.Empty(EnvironmentConfigurationCheck.Check(Default, DeploymentEnvironment.Staging, actual));
    }

    [Fact]
    public void Check_ProductionEndpointInStaging_IsAMismatch()
    {
        var actual = Compliant(DeploymentEnvironment.Staging);
        actual["databaseServer"] = "prod-db-server";

        var deviation = Assert.Single(EnvironmentConfigurationCheck.Check(Default, DeploymentEnvironment.Staging, actual));
        Assert.Equal("stage-db-server", deviation.Expected);
    }

    [Fact]
    public void CheckAll_MissingEnvironment_MissesEverySetting()
    {
        var actual = new Dictionary<DeploymentEnvironment, IReadOnlyDictionary<string, string?>>
        {
            [DeploymentEnvironment.Development] = Compliant(DeploymentEnvironment.Development),
            [DeploymentEnvironment.Integration] = Compliant(DeploymentEnvironment.Integration),
            [DeploymentEnvironment.Staging] = Compliant(DeploymentEnvironment.Staging),
        };

        var deviations = EnvironmentConfigurationCheck.CheckAll(Default, actual);

        Assert.Equal(Default.Environments[DeploymentEnvironment.Production].RequiredSettings.Count, deviations.Count);
        Assert.All(deviations, d => Assert.Equal((DeploymentEnvironment.Production, DeviationKind.Missing), (d.Environment, d.Kind)));
    }
}

public class CommunicationScheduleTests
{
    private static readonly DateTimeOffset T = NewYorkTime(2027, 3, 16, 20);

    [Fact]
    public void For_PlannedWellAhead_SchedulesEveryEventAtItsOffset()
    {
        var schedule = CommunicationSchedule.For(Default, T, T.AddDays(-60));

        Assert.Equal(
            ["planning-announcement", "feature-freeze", "testing-start", "deployment-readiness", "final-notice", "post-deployment-report"],
            schedule.Select(s => s.Id));
        Assert.Equal([-30, -14, -7, -3, -1, 1], schedule.Select(s => (int)s.Offset.TotalDays));
        Assert.All(schedule, s => Assert.Equal(T + s.Offset, s.At));
        Assert.All(schedule, s => Assert.Equal(CommunicationStatus.Scheduled, s.Status));
        Assert.Equal("feature-freeze-notification", schedule[1].Template);
        Assert.Contains("qa-team", schedule[1].Audiences);
    }

    [Fact]
    public void For_PlannedTenDaysAhead_ReportsTheEarlierEventsAsMissed()
    {
        var schedule = CommunicationSchedule.For(Default, T, T.AddDays(-10));

        Assert.Equal(6, schedule.Count);
        Assert.Equal(
            [CommunicationStatus.Missed, CommunicationStatus.Missed, CommunicationStatus.Scheduled, CommunicationStatus.Scheduled, CommunicationStatus.Scheduled, CommunicationStatus.Scheduled],
            schedule.Select(s => s.Status));
    }

    [Fact]
    public void For_EventExactlyNow_IsScheduled()
    {
        var schedule = CommunicationSchedule.For(Default, T, T.AddDays(-7));

        Assert.Equal(CommunicationStatus.Scheduled, schedule.Single(s => s.Id == "testing-start").Status);
        Assert.Equal(CommunicationStatus.Missed, schedule.Single(s => s.Id == "feature-freeze").Status);
    }

    [Fact]
    public void For_TargetDateWithAWindow_CountsFromTheWindowOpening()
    {
        var schedule = CommunicationSchedule.For(Default, new DateOnly(2027, 3, 16), T.AddDays(-60));

        Assert.Equal(T.AddDays(-1), schedule.Single(s => s.Id == "final-notice").At);
    }

    [Fact]
    public void For_DateWithoutAWindow_TIsTheWindowTheReleaseWaitsFor()
    {
        // Monday 2027-03-15 has no window: a windowed release targeting it goes in Tuesday's (ProductionSlot), so T is then.
        var schedule = CommunicationSchedule.For(Default, new DateOnly(2027, 3, 15), NewYorkTime(2027, 1, 1, 0));

        Assert.Equal(NewYorkTime(2027, 3, 16, 20) - TimeSpan.FromDays(1), schedule.Single(s => s.Id == "final-notice").At);
    }

    [Fact]
    public void For_ShortenedOffsets_AreHonoured()
    {
        var policy = Default with
        {
            Communications = [Default.Communications[0] with { Offset = TimeSpan.FromSeconds(-30) }, Default.Communications[5] with { Offset = TimeSpan.FromSeconds(5) }],
        };

        var schedule = CommunicationSchedule.For(policy, T, T.AddSeconds(-10));

        Assert.Equal([(T.AddSeconds(-30), CommunicationStatus.Missed), (T.AddSeconds(5), CommunicationStatus.Scheduled)], schedule.Select(s => (s.At, s.Status)));
    }
}
