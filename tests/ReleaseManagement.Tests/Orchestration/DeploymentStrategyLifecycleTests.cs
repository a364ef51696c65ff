using ReleaseManagement.Activities;
using ReleaseManagement.Analysis;
using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;
using static ReleaseManagement.Tests.Orchestration.LifecycleHarness;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>
/// Production deployed step by step (<c>deployment.stepwise</c>, lifecycle version 2) on the real Durable replay engine:
/// each step of the release's strategy asked of the pipeline, reported, held, and a failed step rolled back naming the
/// step reached. Two classes so the engine runs them side by side.
/// </summary>
public static class StepwisePolicies
{
    /// <summary>The built-in strategies with every hold at one second, production stepwise, and <paramref name="defaultStrategy"/>.</summary>
    public static ReleasePolicy Stepwise(string defaultStrategy = DeploymentPolicy.BlueGreen, TimeSpan? stepTimeout = null) => FastPolicy() with
    {
        Deployment = new DeploymentPolicy
        {
            Stepwise = true,
            DefaultStrategy = defaultStrategy,
            Strategies = DeploymentPolicy.DefaultStrategies.ToDictionary(
                s => s.Key,
                s => s.Value with { Steps = [.. s.Value.Steps.Select(step => step with { Hold = step.Hold > TimeSpan.Zero ? TimeSpan.FromSeconds(1) : TimeSpan.Zero, Timeout = stepTimeout })] }),
        },
    };

    public static string Id(string name) => $"{name}-{Guid.NewGuid():N}"[..24];

    public static DeploymentRequest[] Production(LifecycleHarness h, string id) =>
        [.. h.Deployments.Where(d => d.ReleaseId == id && d.Environment == "production")];
}

public sealed class StepwiseDeploymentLifecycleTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await LifecycleHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Production_BlueGreenStepwise_AsksTheIdleSlotThenTheSwapEachReportedAndHeld()
    {
        var id = StepwisePolicies.Id("bluegreen");
        _h.DeployStep = _ => EventOutcomes.Success;
        await _h.StartReleaseAsync(Request(id, ReleaseType.Patch), StepwisePolicies.Stepwise());
        await _h.SendAllAsync(id, EverythingPasses(id));

        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        var production = StepwisePolicies.Production(_h, id);
        Assert.Equal(
            [new DeploymentStepRequest("idle-slot", 1, 2, "BlueGreen", null, null, false), new DeploymentStepRequest("swap", 2, 2, "BlueGreen", null, null, true)],
            production.Select(d => d.Step));
        Assert.All(production, d => Assert.Equal("blue-green", d.Strategy));
        Assert.All(_h.Deployments.Where(d => d.ReleaseId == id && d.Environment != "production"), d => Assert.Null(d.Step));
        var lines = _h.Timeline(id).Select(t => t.Message).ToList();
        var asked = lines.IndexOf("Deployment to production: step 1 of 2 of blue-green (idle-slot, the idle slot) requested.");
        var reported = lines.IndexOf("Step 1 of 2 of blue-green (idle-slot, the idle slot) reported in production.");
        var held = lines.IndexOf($"Holding step 1 of 2 of blue-green (idle-slot, the idle slot) for {PolicyTime.Describe(TimeSpan.FromSeconds(1))} (analysis window).");
        var swap = lines.IndexOf("Deployment to production: step 2 of 2 of blue-green (swap, the swap) requested.");
        var deployed = lines.IndexOf("Deployed to production.");
        Assert.True(asked >= 0 && asked < reported && reported < held && held < swap && swap < deployed, string.Join(Environment.NewLine, lines));
        // The idle slot was judged once, over its hold, the reported version against every other.
        var analysis = Assert.Single(_h.CanaryAnalyses, a => a.Query.ReleaseId == id);
        Assert.Equal(("Billing", "production", LifecycleHarness.StepVersion, ""), (analysis.Query.System, analysis.Query.Environment, analysis.Query.CanaryLabel, analysis.Query.BaselineLabel));
        Assert.Equal(TimeSpan.FromSeconds(1), analysis.Query.End - analysis.Query.Start);
        Assert.Null(analysis.ExpectedShare); // an idle slot carries no share of the traffic
        Assert.Contains(lines, l => l.StartsWith("Analysis of step 1 of 2 of blue-green (idle-slot, the idle slot) for Billing (2.0.0 against the other versions): Pass", StringComparison.Ordinal));
        // The step bar: both steps done.
        var record = (await _h.Store.GetAsync(id))!;
        Assert.Equal(("blue-green", "BlueGreen"), (record.Rollout!.Strategy, record.Rollout.Kind));
        Assert.Equal([("idle-slot", "idle slot", "done"), ("swap", "swap", "done")], record.Rollout.Steps.Select(s => (s.Name, s.Label, s.State)));
        // Each step is in the audit trail, as every deployment line is.
        var audited = (await _h.Audit.ReadAsync(id)).Select(r => r.Entry).Where(e => e.Action == Audit.AuditActions.Deployment).Select(e => e.Summary).ToList();
        Assert.Contains(lines[held], audited);
        Assert.Contains(lines[swap], audited);
    }

    [Fact]
    public async Task Production_RollingStepwise_AsksEachBatchInOrder()
    {
        var id = StepwisePolicies.Id("rolling");
        _h.DeployStep = _ => EventOutcomes.Success;
        await _h.StartReleaseAsync(Request(id, ReleaseType.Patch), StepwisePolicies.Stepwise(DeploymentPolicy.Rolling));
        await _h.SendAllAsync(id, EverythingPasses(id));

        Assert.Equal(ReleaseStatus.Completed, (await _h.OutcomeAsync(id)).Status);
        Assert.Equal([25, 50, 75, 100], StepwisePolicies.Production(_h, id).Select(d => d.Step!.Batch ?? 0));
        Assert.All(StepwisePolicies.Production(_h, id), d => Assert.Equal(("rolling", "Rolling"), (d.Strategy, d.Step!.Kind)));
    }
}

public sealed class StepwiseDeploymentFailureLifecycleTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await LifecycleHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Production_CanaryFailsAtItsSecondStep_RollsBackNamingTheStepReachedAndAsksNoFurther()
    {
        var id = StepwisePolicies.Id("canaryfail");
        _h.DeployStep = r => r.Step!.Name == "canary-50" ? EventOutcomes.Failure : EventOutcomes.Success;
        await _h.StartReleaseAsync(Request(id, ReleaseType.Patch), StepwisePolicies.Stepwise(DeploymentPolicy.Canary));
        await _h.SendAllAsync(id, EverythingPasses(id));

        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.RolledBack, outcome.Status);
        var production = StepwisePolicies.Production(_h, id);
        Assert.Equal([("canary-10", false), ("canary-50", false), ("canary-50", true)], production.Select(d => (d.Step!.Name, d.Rollback)));
        Assert.Equal(50, production[^1].Step!.Weight);
        Assert.Contains(_h.Timeline(id), t => t.Message.StartsWith("Step 2 of 3 of canary (canary-50, 50 % of traffic) in production failure", StringComparison.Ordinal));
        Assert.Contains(_h.Timeline(id), t => t.Message.Contains("(undoing step 2 of 3 of canary (canary-50, 50 % of traffic))", StringComparison.Ordinal));
        Assert.Equal(["rolled-back", "rolled-back", "pending"], (await _h.Store.GetAsync(id))!.Rollout!.Steps.Select(s => s.State));
    }

    [Fact]
    public async Task Production_ReportNamingAnotherStep_IsNotTheStepsReportAndTheStepTimesOut()
    {
        var id = StepwisePolicies.Id("wrongstep");
        // The swap's report never comes: the pipeline repeats the idle slot's instead (a late duplicate).
        _h.DeployStep = r => r.Step!.Name == "swap" ? null : EventOutcomes.Success;
        await _h.StartReleaseAsync(Request(id, ReleaseType.Patch), StepwisePolicies.Stepwise(stepTimeout: TimeSpan.FromSeconds(4)));
        await _h.SendAllAsync(id, EverythingPasses(id));
        await _h.WaitForAsync(id, _ => StepwisePolicies.Production(_h, id).Any(d => d.Step?.Name == "swap"), "the swap to be asked for");
        await _h.RaiseAsync(id, Event(CanonicalEventType.ServiceDeployed, id, EventOutcomes.Success, "production", attributes: (EventAttributes.Step, "idle-slot")));

        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.RolledBack, outcome.Status);
        Assert.Contains($"Step 2 of 2 of blue-green (swap, the swap) in production reported no outcome within {PolicyTime.Describe(TimeSpan.FromSeconds(4))}", outcome.Reason, StringComparison.Ordinal);
        Assert.True(StepwisePolicies.Production(_h, id)[^1] is { Rollback: true, Step.Name: "swap" });
    }

    [Fact]
    public async Task Production_ReleaseStartedOnVersion1_AsksOnceEvenWhenThePolicyIsStepwise()
    {
        var id = StepwisePolicies.Id("version1");
        await _h.StartReleaseAsync(Request(id, ReleaseType.Patch), StepwisePolicies.Stepwise(), version: 1);
        await _h.SendAllAsync(id, EverythingPasses(id));
        await _h.WaitForAsync(id, r => r.Stage == ReleaseStages.Watch, "the watch");

        var production = Assert.Single(StepwisePolicies.Production(_h, id));
        Assert.Null(production.Step);
        Assert.Equal("blue-green", production.Strategy);
        await _h.Client.TerminateInstanceAsync(id, "test: done");
    }
}

/// <summary>The analysis at each analysed step's checkpoint, on the real Durable replay engine.</summary>
public sealed class CheckpointAnalysisLifecycleTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await LifecycleHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static CanaryAnalysisResult Verdict(CanaryOutcome outcome, string summary) =>
        new(CanaryReadingStatus.Complete, new CanaryVerdict(outcome, [], summary), null);

    [Fact]
    public async Task Production_CanaryAnalysisFailsAtTheFirstStep_RollsBackBeforeMoreTraffic()
    {
        var id = StepwisePolicies.Id("analysisfail");
        _h.DeployStep = _ => EventOutcomes.Success;
        _h.CanaryAnalysis = a => a.Query.ReleaseId == id ? Verdict(CanaryOutcome.Fail, "Fail: requests are slower on the canary.") : Verdict(CanaryOutcome.Pass, "Pass.");
        await _h.StartReleaseAsync(Request(id, ReleaseType.Patch), StepwisePolicies.Stepwise(DeploymentPolicy.Canary));
        await _h.SendAllAsync(id, EverythingPasses(id));

        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.RolledBack, outcome.Status);
        Assert.Equal("Rolled back: The analysis of step 1 of 3 of canary (canary-10, 10 % of traffic) failed (Billing: Fail: requests are slower on the canary.)", outcome.Reason);
        Assert.Equal([("canary-10", false), ("canary-10", true)], StepwisePolicies.Production(_h, id).Select(d => (d.Step!.Name, d.Rollback)));
        var analysis = Assert.Single(_h.CanaryAnalyses, a => a.Query.ReleaseId == id);
        Assert.Equal(ReleasePolicyDefaults.Create().Deployment.Analysis, analysis.Policy);
        Assert.Equal(0.10, analysis.ExpectedShare);
        Assert.Equal(["rolled-back", "pending", "pending"], (await _h.Store.GetAsync(id))!.Rollout!.Steps.Select(s => s.State));
    }

    [Fact]
    public async Task Production_AnalysisInconclusiveWhenMissingDataPasses_GoesOnSayingSoWithTheWarning()
    {
        var id = StepwisePolicies.Id("analysisunsure");
        _h.DeployStep = _ => EventOutcomes.Success;
        _h.CanaryAnalysis = a => Verdict(CanaryOutcome.Inconclusive, "Inconclusive, not a pass: 12 requests on the canary, fewer than 50.");
        var policy = StepwisePolicies.Stepwise();
        policy = policy with { SuccessCriteria = policy.SuccessCriteria with { OnMissingHealthData = MissingHealthDataRule.Pass } };
        await _h.StartReleaseAsync(Request(id, ReleaseType.Patch), policy);
        await _h.SendAllAsync(id, EverythingPasses(id));

        Assert.Equal(ReleaseStatus.Completed, (await _h.OutcomeAsync(id)).Status);
        Assert.Contains(_h.Timeline(id), t => t.Message.StartsWith(
            "Analysis of step 1 of 2 of blue-green (idle-slot, the idle slot) passed WITHOUT health data (onMissingHealthData: Pass); targets not checked: Billing: Inconclusive, not a pass: 12 requests",
            StringComparison.Ordinal));
        Assert.Contains((await _h.Store.GetAsync(id))!.Warnings ?? [], w => w.Code == MissingHealthDataStep.WarningCode);
        Assert.Equal(["swap"], StepwisePolicies.Production(_h, id).Skip(1).Select(d => d.Step!.Name));
    }
}

/// <summary>Each strategy failing at each of its steps, on the real Durable replay engine: rolled back naming that step, never asking for the next.</summary>
public sealed class StepFailureLifecycleTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await LifecycleHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    public static TheoryData<string, int> EveryStep()
    {
        var data = new TheoryData<string, int>();
        foreach (var (name, strategy) in DeploymentPolicy.DefaultStrategies)
        {
            for (var i = 0; i < strategy.Steps.Count; i++)
            {
                data.Add(name, i);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryStep))]
    public async Task Production_StrategyFailingAtAStep_RollsBackNamingItAndAsksNoFurther(string strategy, int failing)
    {
        var id = StepwisePolicies.Id($"fail{failing}");
        var steps = DeploymentPolicy.DefaultStrategies[strategy].Steps;
        _h.DeployStep = r => r.ReleaseId == id && r.Step!.Number == failing + 1 ? EventOutcomes.Failure : EventOutcomes.Success;
        await _h.StartReleaseAsync(Request(id, ReleaseType.Patch), StepwisePolicies.Stepwise(strategy));
        await _h.SendAllAsync(id, EverythingPasses(id));

        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.RolledBack, outcome.Status);
        Assert.Equal(
            [.. steps.Take(failing + 1).Select(s => (s.Name, false)), (steps[failing].Name, true)],
            StepwisePolicies.Production(_h, id).Select(d => (d.Step!.Name, d.Rollback)));
        Assert.StartsWith($"Rolled back: Step {failing + 1} of {steps.Count} of {strategy} ({steps[failing].Name}", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(steps.Select((_, i) => i <= failing ? RolloutStates.RolledBack : RolloutStates.Pending), (await _h.Store.GetAsync(id))!.Rollout!.Steps.Select(s => s.State));
    }
}
