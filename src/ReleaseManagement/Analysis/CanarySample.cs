namespace ReleaseManagement.Analysis;

/// <summary>
/// One side's telemetry over a checkpoint's window: the canary's (or idle slot's) or the baseline's.
/// <see cref="DurationsMs"/> is a sample of the side's request durations (the adapter caps its size);
/// <see cref="Requests"/>, <see cref="Failures"/> and <see cref="Exceptions"/> are counts over the whole window.
/// </summary>
/// <param name="DurationsMs">Request durations in milliseconds, in any order; non-finite values are ignored.</param>
/// <param name="Requests">Requests served in the window.</param>
/// <param name="Failures">Of those, the failed ones (not successful).</param>
/// <param name="Exceptions">Exceptions recorded in the window (a request may record several).</param>
/// <param name="UserActions">User activity: a sample of how many requests each signed-in user made in the window (null or
/// empty on both sides when the application records no users: the check is then not made).</param>
public sealed record CanarySample(IReadOnlyList<double> DurationsMs, long Requests, long Failures, long Exceptions, IReadOnlyList<double>? UserActions = null);
