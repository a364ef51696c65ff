using Microsoft.DurableTask;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// The release orchestration's entry point (<see cref="OrchestratorNames.Release"/>). It runs the lifecycle version the
/// release was started with (<see cref="ReleaseOrchestrationInput.Version"/>); new releases start on
/// <see cref="CurrentVersion"/>, and releases in flight replay the action sequence of the version they started on. It runs
/// version 1 (the earlier ones were folded into it before the app was deployed) and version 2: production deployed step by
/// step (<see cref="Policy.DeploymentStrategy"/>), where version 1 asked for it in one request. A change that alters the
/// sequence of durable actions adds a version here and gates its new actions on <see cref="LifecycleState.Version"/> in the
/// step that adds them (README, "Shipping a changed orchestrator while releases are in flight"). A version this build does
/// not run fails the instance with a message naming it.
/// </summary>
public static class ReleaseOrchestrator
{
    /// <summary>The lifecycle version new releases start on.</summary>
    public const int CurrentVersion = 2;

    public static Task<ReleaseOutcome> RunAsync(TaskOrchestrationContext context, ReleaseOrchestrationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Version switch
        {
            1 or 2 => new ReleaseLifecycle(context, input).RunAsync(),
            _ => throw new NotSupportedException(
                $"Release {input.Release.Id} was started on lifecycle version {input.Version}, which this build does not run; " +
                $"deploy a build that has it (this build runs version {CurrentVersion})."),
        };
    }
}
