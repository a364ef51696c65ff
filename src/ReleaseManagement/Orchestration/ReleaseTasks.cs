using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Activities;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// Registers the orchestrators and activities with a Durable Task worker (the local host and the tests).
/// The Functions app registers the same names through its triggers; both call the same code.
/// </summary>
public static class ReleaseTasks
{
    public static DurableTaskRegistry AddReleaseTasks(this DurableTaskRegistry registry)
    {
        registry.AddOrchestratorFunc<ReleaseOrchestrationInput, ReleaseOutcome>(OrchestratorNames.Release, ReleaseOrchestrator.RunAsync);
        registry.AddOrchestratorFunc<CommunicationsInput, CommunicationsResult>(OrchestratorNames.Communications, CommunicationsOrchestrator.RunAsync);
        registry.AddActivity(
            ActivityNames.RequestDeployment,
            sp => new ServiceActivity<Ports.DeploymentRequest, bool>((input, ct) => sp.GetRequiredService<RequestDeployment>().RunAsync(input, ct)));
        registry.AddActivity(
            ActivityNames.CheckReleaseHealth,
            sp => new ServiceActivity<Ports.HealthQuery, Ports.HealthReading>((input, ct) => sp.GetRequiredService<CheckReleaseHealth>().RunAsync(input, ct)));
        registry.AddActivity(
            ActivityNames.SendReleaseNotice,
            sp => new ServiceActivity<ReleaseNotice, int>((input, ct) => sp.GetRequiredService<SendReleaseNotice>().RunAsync(input, ct)));
        registry.AddActivity(
            ActivityNames.RecordReleaseStatus,
            sp => new ServiceActivity<ReleaseWrite[]>((writes, ct) => sp.GetRequiredService<RecordReleaseStatus>().RunAsync(writes, ct)));
        registry.AddActivity(
            ActivityNames.RequestApprovals,
            sp => new ServiceActivity<RequestApprovalsInput, RequestApprovalsResult>((input, ct) => sp.GetRequiredService<RequestApprovals>().RunAsync(input, ct)));
        registry.AddActivity(
            ActivityNames.CloseApprovalStage,
            sp => new ServiceActivity<CloseApprovalStageInput, CloseApprovalStageResult>((input, ct) => sp.GetRequiredService<CloseApprovalStage>().RunAsync(input, ct)));
        registry.AddActivity(
            ActivityNames.PublishReleaseEvent,
            sp => new ServiceActivity<Events.ReleaseEvent>((evt, ct) => sp.GetRequiredService<PublishReleaseEvent>().RunAsync(evt, ct)));
        registry.AddActivity(
            ActivityNames.CheckConfirmation,
            sp => new ServiceActivity<ConfirmationQuery, ConfirmationState>((input, ct) => sp.GetRequiredService<CheckConfirmation>().RunAsync(input, ct)));
        registry.AddActivity(
            ActivityNames.AnalyseCanary,
            sp => new ServiceActivity<AnalyseCanaryInput, CanaryAnalysisResult>((input, ct) => sp.GetRequiredService<AnalyseCanary>().RunAsync(input, ct)));
        registry.AddActivity(
            ActivityNames.SetFeatureFlag,
            sp => new ServiceActivity<Ports.FeatureFlagChange, bool>((input, ct) => sp.GetRequiredService<SetFeatureFlag>().RunAsync(input, ct)));
        return registry;
    }

    /// <summary>Adapts an activity class resolved from the container to the Durable Task activity contract.</summary>
    private sealed class ServiceActivity<TInput>(Func<TInput, CancellationToken, Task> run) : TaskActivity<TInput, bool>
    {
        public override async Task<bool> RunAsync(TaskActivityContext context, TInput input)
        {
            await run(input, CancellationToken.None);
            return true;
        }
    }

    /// <summary>The same for an activity that returns a result.</summary>
    private sealed class ServiceActivity<TInput, TOutput>(Func<TInput, CancellationToken, Task<TOutput>> run) : TaskActivity<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskActivityContext context, TInput input) => run(input, CancellationToken.None);
    }
}
