using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using ReleaseManagement.Orchestration;

namespace ReleaseFunctions.Functions;

/// <summary>Orchestration triggers, one per <see cref="OrchestratorNames"/> entry: each runs the core orchestrator with its input.</summary>
public static class Orchestrations
{
    [Function(OrchestratorNames.Release)]
    public static Task<ReleaseOutcome> Release([OrchestrationTrigger] TaskOrchestrationContext context) =>
        ReleaseOrchestrator.RunAsync(context, context.GetInput<ReleaseOrchestrationInput>()!);

    [Function(OrchestratorNames.Communications)]
    public static Task<CommunicationsResult> Communications([OrchestrationTrigger] TaskOrchestrationContext context) =>
        CommunicationsOrchestrator.RunAsync(context, context.GetInput<CommunicationsInput>()!);
}
