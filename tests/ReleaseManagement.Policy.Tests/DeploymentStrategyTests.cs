using System.Text.Json.Nodes;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;
using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

/// <summary><c>deployment.strategies</c>, <c>strategyRules</c> and <c>defaultStrategy</c>: the choice, the defaults and the load-time checks.</summary>
public sealed class DeploymentStrategyTests
{
    private static DeploymentPolicy Deployment => Default.Deployment;

    private static IReadOnlyList<PolicyError> Errors(DeploymentPolicy deployment) =>
        ReleasePolicyLoader.FromPolicy(Default with { Deployment = deployment }, "code").Errors;

    private static DeploymentPolicy WithStrategy(string name, DeploymentStrategy strategy) => Deployment with
    {
        Strategies = new Dictionary<string, DeploymentStrategy>(Deployment.Strategies) { [name] = strategy },
    };

    [Theory]
    [InlineData(RiskRating.High, ReleaseType.Minor, DeploymentPolicy.Canary)]
    [InlineData(RiskRating.High, ReleaseType.Hotfix, DeploymentPolicy.Canary)]
    [InlineData(RiskRating.Medium, ReleaseType.Major, DeploymentPolicy.BlueGreen)]
    [InlineData(RiskRating.Low, ReleaseType.Patch, DeploymentPolicy.BlueGreen)]
    public void StrategyFor_BuiltInRules_HighRiskIsCanaryElseBlueGreen(RiskRating risk, ReleaseType type, string expected)
    {
        Assert.Equal(expected, Deployment.StrategyFor(type, risk).Name);
        Assert.False(Deployment.Stepwise);
    }

    [Fact]
    public void StrategyFor_RulesInOrder_FirstMatchWinsOnTypeAndRisk()
    {
        var deployment = Deployment with
        {
            StrategyRules =
            [
                new() { Strategy = DeploymentPolicy.Rolling, ReleaseTypes = [ReleaseType.Major], RiskLevels = [RiskRating.High] },
                new() { Strategy = DeploymentPolicy.Canary, RiskLevels = [RiskRating.High, RiskRating.Medium] },
            ],
        };

        Assert.Equal(DeploymentPolicy.Rolling, deployment.StrategyFor(ReleaseType.Major, RiskRating.High).Name);
        Assert.Equal(DeploymentPolicy.Canary, deployment.StrategyFor(ReleaseType.Minor, RiskRating.High).Name);
        Assert.Equal(DeploymentPolicy.Canary, deployment.StrategyFor(ReleaseType.Major, RiskRating.Medium).Name);
        Assert.Equal(DeploymentPolicy.BlueGreen, deployment.StrategyFor(ReleaseType.Major, RiskRating.Low).Name);
        Assert.Empty(Errors(deployment));
    }

    [Fact]
    public void DefaultStrategies_AsTheProcedureNamesThem_AreValidAndEndWithAllTraffic()
    {
        Assert.Empty(Errors(Deployment));
        Assert.Equal([10, 50, 100], Deployment.Strategies[DeploymentPolicy.Canary].Steps.Select(s => s.Weight ?? 0));
        Assert.Equal([25, 50, 75, 100], Deployment.Strategies[DeploymentPolicy.Rolling].Steps.Select(s => s.Batch ?? 0));
        Assert.Equal([false, true], Deployment.Strategies[DeploymentPolicy.BlueGreen].Steps.Select(s => s.Swap));
        Assert.All(Deployment.Strategies.Values.SelectMany(s => s.Steps.SkipLast(1)), s => Assert.True(s.Analyse && s.Hold > TimeSpan.Zero, s.Name));
    }

    [Fact]
    public void Validate_CanaryWeightsFallingOrShortOfAllTraffic_AreRefusedByPath()
    {
        var errors = Errors(WithStrategy("badcanary", new()
        {
            Kind = StrategyKind.Canary,
            Description = "Falling weights",
            Steps = [new() { Name = "a", Weight = 50 }, new() { Name = "b", Weight = 20 }, new() { Name = "c", Weight = 90, Batch = 10 }],
        }));

        Assert.Contains(errors, e => e.Path == "$.deployment.strategies.badcanary.steps[1].weight");
        Assert.Contains(errors, e => e.Path == "$.deployment.strategies.badcanary.steps[2].weight" && e.Message.Contains("100 %", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.deployment.strategies.badcanary.steps[2]" && e.Message.Contains("no batch", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BlueGreenSwapNotLastOrAnalysisWithoutHold_AreRefused()
    {
        var errors = Errors(WithStrategy("badbg", new()
        {
            Kind = StrategyKind.BlueGreen,
            Description = "Swap first",
            Steps = [new() { Name = "swap", Swap = true }, new() { Name = "idle", Analyse = true }, new() { Name = "idle", Timeout = TimeSpan.Zero }],
        }));

        Assert.Contains(errors, e => e.Path == "$.deployment.strategies.badbg.steps[0].swap");
        Assert.Contains(errors, e => e.Path == "$.deployment.strategies.badbg.steps[1].analyse");
        Assert.Contains(errors, e => e.Path == "$.deployment.strategies.badbg.steps[2].name");
        Assert.Contains(errors, e => e.Path == "$.deployment.strategies.badbg.steps[2].timeout");
    }

    [Fact]
    public void Validate_UnknownStrategyOrPhasedRiskGivenBlueGreen_IsRefused()
    {
        var unknown = Errors(Deployment with { DefaultStrategy = "big-bang", StrategyRules = [new() { Strategy = "nope" }] });
        var phased = Errors(Deployment with { StrategyRules = [] });

        Assert.Contains(unknown, e => e.Path == "$.deployment.defaultStrategy" && e.Message.Contains("blue-green, canary, rolling", StringComparison.Ordinal));
        Assert.Contains(unknown, e => e.Path == "$.deployment.strategyRules[0].strategy");
        // The risk matrix's High mitigation requires a phased rollout: with no rule, High releases would be blue-green.
        Assert.Contains(phased, e => e.Path == "$.deployment.strategyRules" && e.Message.Contains("requires a phased rollout", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_StrategyAsAPolicyFileWritesIt_WithItsOptionalFields()
    {
        var json = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Default, PolicyJson.Options))!.AsObject();
        json["deployment"] = JsonNode.Parse("""
            { "stepwise": true, "defaultStrategy": "slow-canary",
              "strategies": { "slow-canary": { "kind": "Canary", "description": "One per cent first", "steps": [
                  { "name": "one", "weight": 1, "hold": "01:00:00", "analyse": true, "timeout": "00:20:00" },
                  { "name": "all", "weight": 100 } ] } },
              "strategyRules": [ { "strategy": "slow-canary", "releaseTypes": ["Hotfix"] } ] }
            """);

        var result = ReleasePolicyLoader.Parse(json.ToJsonString());

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.Path}: {e.Message}")));
        var deployment = result.Policy!.Deployment;
        Assert.True(deployment.Stepwise);
        var (name, strategy) = deployment.StrategyFor(ReleaseType.Patch, RiskRating.High);
        Assert.Equal("slow-canary", name);
        Assert.Equal((TimeSpan.FromHours(1), TimeSpan.FromMinutes(20), true), (strategy.Steps[0].Hold, strategy.Steps[0].Timeout!.Value, strategy.Steps[0].Analyse));

        json["deployment"]!["strategies"]!["slow-canary"]!["kind"] = "BigBang";
        Assert.Contains(ReleasePolicyLoader.Parse(json.ToJsonString()).Errors, e => e.Path.StartsWith("$.deployment.strategies", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SystemsDependingInACircleOrOnAnUnknownSystem_AreRefused()
    {
        static SystemPolicy System(params string[] dependsOn) => new() { Description = "x", Approvers = new Dictionary<string, IReadOnlyList<string>>(), DependsOn = dependsOn };
        var circle = ReleasePolicyLoader.FromPolicy(Default with
        {
            Systems = new Dictionary<string, SystemPolicy> { ["A"] = System("B"), ["B"] = System("C"), ["C"] = System("a"), ["D"] = System("Nope", "D") },
        }, "code").Errors;

        Assert.Contains(circle, e => e.Path == "$.systems" && e.Message.Contains("A → B → C → a", StringComparison.Ordinal));
        Assert.Contains(circle, e => e.Path == "$.systems.D.dependsOn[0]");
        Assert.Contains(circle, e => e.Path == "$.systems.D.dependsOn[1]");
    }
}
