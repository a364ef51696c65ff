namespace ReleaseManagement.Orchestration;

/// <summary>
/// What a lifecycle version does beyond version 1, derived from <see cref="ReleaseOrchestrationInput.Version"/>. Every
/// version runs the one <see cref="ReleaseLifecycle"/>; a step that adds durable actions (a timer, an activity, a wait)
/// does so only when its feature is on, so a release in flight replays the action sequence it started with.
/// </summary>
/// <param name="ValidationDelay">Version 2: the post-deployment validation waits <c>successCriteria.validationDelay</c>
/// after the production deployment on a durable timer and reads the window after it (<see cref="ValidationStep"/>).</param>
/// <param name="BatchedStatus">Version 3: status and timeline lines are kept in order and written by one
/// <see cref="ActivityNames.RecordReleaseStatuses"/> activity just before the orchestration's next durable action (another
/// activity, a wait, the end), not by one <see cref="ActivityNames.RecordReleaseStatus"/> activity each
/// (<see cref="StatusRecorder.FlushAsync"/>): fewer activities, episodes and history rows per release (bench/README.md,
/// Lifecycle, "Issue 16: scaling").</param>
internal sealed record LifecycleFeatures(bool ValidationDelay, bool BatchedStatus)
{
    public static LifecycleFeatures For(int version) => new(ValidationDelay: version >= 2, BatchedStatus: version >= 3);
}
