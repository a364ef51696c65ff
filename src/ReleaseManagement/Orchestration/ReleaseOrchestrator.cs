using Microsoft.DurableTask;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// The release orchestration's entry point (<see cref="OrchestratorNames.Release"/>). It runs the lifecycle version the
/// release was started with: a changed lifecycle ships as a new version class beside the old one, new releases start on
/// <see cref="CurrentVersion"/>, and releases in flight replay the version they started on until they finish.
/// </summary>
public static class ReleaseOrchestrator
{
    /// <summary>The lifecycle version new releases start on.</summary>
    public const int CurrentVersion = 1;

    public static Task<ReleaseOutcome> RunAsync(TaskOrchestrationContext context, ReleaseOrchestrationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Version switch
        {
            1 => new ReleaseLifecycle(context, input).RunAsync(),
            _ => throw new NotSupportedException(
                $"Release {input.Release.Id} was started on lifecycle version {input.Version}, which this build no longer runs; " +
                $"deploy a build that still has it (current: {CurrentVersion})."),
        };
    }
}
