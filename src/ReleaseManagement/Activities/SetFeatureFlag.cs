using Microsoft.Extensions.Logging;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Activities;

/// <summary>
/// Turns one feature flag of a release on at a percentage, or off (<see cref="IFeatureFlags"/>). Idempotent: the flag
/// system is set to a state, so a retry sets the same state again.
/// </summary>
public sealed partial class SetFeatureFlag(IFeatureFlags flags, ILogger<SetFeatureFlag> log)
{
    public async Task<bool> RunAsync(FeatureFlagChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        await flags.SetAsync(change, cancellationToken);
        LogSet(log, change.Flag, change.ReleaseId, change.Enabled, change.Enabled ? change.Percentage : 0, change.RequestId);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Feature flag {Flag} of release {ReleaseId} set: enabled {Enabled} at {Percentage} % ({RequestId})")]
    private static partial void LogSet(ILogger logger, string flag, string releaseId, bool enabled, int percentage, string requestId);
}
