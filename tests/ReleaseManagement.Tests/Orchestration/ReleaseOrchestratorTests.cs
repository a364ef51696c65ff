using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Activities;
using ReleaseManagement.Approvals;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>The plan-approval slice on the real Durable Task replay engine (in process).</summary>
public sealed class ReleaseOrchestratorTests : IAsyncLifetime
{
    private readonly InMemoryReleaseStore _store = new();
    private DurableTaskTestHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await DurableTaskTestHost.StartAsync(
            r => r.AddReleaseTasks(),
            new DurableTaskTestHostOptions
            {
                ConfigureServices = s =>
                {
                    s.AddSingleton<Ports.IReleaseStore>(_store);
                    s.AddTransient<RecordReleaseStatus>();
                },
            });
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private async Task<string> StartAsync(string id, TimeSpan timeout)
    {
        var request = new ReleaseRequest(id, "Test release", ReleaseType.Minor, ["Billing"], new DateOnly(2026, 12, 15));
        var now = DateTimeOffset.UtcNow;
        await _store.TryCreateAsync(new ReleaseRecord(request, now, ReleasePhase.Submitted, ReleaseStatus.Active, null, now));
        return await _host.Client.ScheduleNewOrchestrationInstanceAsync(
            OrchestratorNames.Release,
            new ReleaseOrchestrationInput(request, timeout),
            new Microsoft.DurableTask.StartOrchestrationOptions(InstanceId: id),
            TestContext.Current.CancellationToken);
    }

    private async Task WaitForPhaseAsync(string id, ReleasePhase phase)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await _store.GetAsync(id, TestContext.Current.CancellationToken))!.Phase != phase)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Release {id} did not reach {phase}.");
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
    }

    private static ApprovalDecision Decision(bool approve, string stage = ApprovalStages.Plan, string approver = "lead@example.com", string? comment = null) =>
        new(Guid.NewGuid().ToString("N"), stage, approve, approver, comment, DateTimeOffset.UtcNow);

    private async Task<OrchestrationMetadata> CompletionAsync(string id)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await _host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
    }

    [Fact]
    public async Task ReleaseOrchestrator_PlanApproved_CompletesAndRecordsEachStepOnce()
    {
        var id = await StartAsync("approve-1", TimeSpan.FromMinutes(5));
        await WaitForPhaseAsync(id, ReleasePhase.Planning);

        await _host.Client.RaiseEventAsync(id, ApprovalStages.EventName(ApprovalStages.Plan), Decision(true), TestContext.Current.CancellationToken);
        var result = await CompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        var outcome = result.ReadOutputAs<ReleaseOutcome>()!;
        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        Assert.Contains("lead@example.com", outcome.Reason);
        var updates = _store.Updates.Where(u => u.ReleaseId == id).ToList();
        Assert.Equal([ReleasePhase.Planning, ReleasePhase.Closed], updates.Select(u => u.Phase));
        Assert.Equal(ReleaseStatus.Completed, (await _store.GetAsync(id, TestContext.Current.CancellationToken))!.Status);
    }

    [Fact]
    public async Task ReleaseOrchestrator_PlanRejected_EndsRejectedWithTheApproversComment()
    {
        var id = await StartAsync("reject-1", TimeSpan.FromMinutes(5));
        await WaitForPhaseAsync(id, ReleasePhase.Planning);

        await _host.Client.RaiseEventAsync(id, ApprovalStages.EventName(ApprovalStages.Plan), Decision(false, comment: "scope too large"), TestContext.Current.CancellationToken);
        var result = await CompletionAsync(id);

        var outcome = result.ReadOutputAs<ReleaseOutcome>()!;
        Assert.Equal(ReleaseStatus.Rejected, outcome.Status);
        Assert.Contains("scope too large", outcome.Reason);
        var stored = (await _store.GetAsync(id, TestContext.Current.CancellationToken))!;
        Assert.Equal(ReleaseStatus.Rejected, stored.Status);
        Assert.Equal(ReleasePhase.Closed, stored.Phase);
    }

    [Fact]
    public async Task ReleaseOrchestrator_NoDecisionBeforeTimeout_EndsRejectedForTimeout()
    {
        var id = await StartAsync("timeout-1", TimeSpan.FromSeconds(2));

        var result = await CompletionAsync(id);

        var outcome = result.ReadOutputAs<ReleaseOutcome>()!;
        Assert.Equal(ReleaseStatus.Rejected, outcome.Status);
        Assert.Contains("timed out", outcome.Reason);
        Assert.Equal(2, _store.Updates.Count(u => u.ReleaseId == id));
    }

    [Fact]
    public async Task ReleaseOrchestrator_DecisionRaisedBeforeTheWait_IsNotLost()
    {
        var id = await StartAsync("early-1", TimeSpan.FromMinutes(5));
        // Raised immediately, possibly before the orchestration reaches its wait: the engine buffers it.
        await _host.Client.RaiseEventAsync(id, ApprovalStages.EventName(ApprovalStages.Plan), Decision(true), TestContext.Current.CancellationToken);

        var result = await CompletionAsync(id);

        Assert.Equal(ReleaseStatus.Completed, result.ReadOutputAs<ReleaseOutcome>()!.Status);
    }

    [Fact]
    public async Task ReleaseOrchestrator_DecisionForAnotherStageUnderThePlanEvent_IsIgnored()
    {
        var id = await StartAsync("stage-1", TimeSpan.FromMinutes(5));
        await WaitForPhaseAsync(id, ReleasePhase.Planning);

        await _host.Client.RaiseEventAsync(id, ApprovalStages.EventName(ApprovalStages.Plan), Decision(false, stage: "other"), TestContext.Current.CancellationToken);
        await _host.Client.RaiseEventAsync(id, ApprovalStages.EventName(ApprovalStages.Plan), Decision(true), TestContext.Current.CancellationToken);
        var result = await CompletionAsync(id);

        Assert.Equal(ReleaseStatus.Completed, result.ReadOutputAs<ReleaseOutcome>()!.Status);
    }
}
