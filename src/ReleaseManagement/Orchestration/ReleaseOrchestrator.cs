using Microsoft.DurableTask;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// The release orchestration's entry point (<see cref="OrchestratorNames.Release"/>). It runs the lifecycle version the
/// release was started with: every version runs the one <see cref="ReleaseLifecycle"/>, whose steps gate the durable
/// actions a later version added on <see cref="LifecycleFeatures"/> (derived from the version). New releases start on
/// <see cref="CurrentVersion"/>; releases in flight replay the action sequence of the version they started on.
/// Version 2 added the post-deployment validation's delay (<see cref="LifecycleFeatures.ValidationDelay"/>); version 3
/// writes the status lines of one step in one activity (<see cref="LifecycleFeatures.BatchedStatus"/>).
/// </summary>
public static class ReleaseOrchestrator
{
    /// <summary>The lifecycle version new releases start on.</summary>
    public const int CurrentVersion = 3;

    public static Task<ReleaseOutcome> RunAsync(TaskOrchestrationContext context, ReleaseOrchestrationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Version switch
        {
            1 or 2 or 3 => new ReleaseLifecycle(context, input).RunAsync(),
            _ => throw new NotSupportedException(
                $"Release {input.Release.Id} was started on lifecycle version {input.Version}, which this build no longer runs; " +
                $"deploy a build that still has it (current: {CurrentVersion})."),
        };
    }
}
