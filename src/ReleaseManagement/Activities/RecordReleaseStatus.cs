using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Activities;

/// <summary>Writes the release's status projection. Idempotent: the same update applied twice leaves the same row.</summary>
public sealed class RecordReleaseStatus(IReleaseStore store)
{
    public Task RunAsync(ReleaseStatusUpdate update, CancellationToken cancellationToken = default) =>
        store.ApplyAsync(update, cancellationToken);
}
