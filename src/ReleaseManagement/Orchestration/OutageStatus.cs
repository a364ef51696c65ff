namespace ReleaseManagement.Orchestration;

/// <summary>
/// The effect a release waits to carry out while its dependency is down, as the orchestration's custom status shows it
/// (null when none): the API reads it to accept a retry, and a skip only where <see cref="Skippable"/> and
/// <see cref="Escalated"/> (past <c>resilience.maxOutage</c>).
/// </summary>
public sealed record OutageStatus(string Dependency, string Effect, DateTimeOffset Since, bool Skippable, bool Escalated);

/// <summary>
/// The orchestration's custom status (<see cref="Microsoft.DurableTask.TaskOrchestrationContext.SetCustomStatus"/>): what
/// waits out an outage, and the journal of the effects completed so far (<see cref="EffectJournal"/>), which a resume reads.
/// </summary>
public sealed record ReleaseCustomStatus(OutageStatus? Outage, IReadOnlyList<JournalEntry>? Done = null);
