using ReleaseManagement.Audit;

namespace ReleaseManagement.Ports;

/// <summary>
/// Where audit checkpoints are kept, away from the audit table: write-once (a checkpoint is never replaced or deleted by
/// the app; in Azure the container's immutability policy forbids it to anyone).
/// </summary>
public interface IAuditCheckpoints
{
    /// <summary>Keeps <paramref name="checkpoint"/>; idempotent (the checkpoint of a count already kept is not written again).</summary>
    Task RecordAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default);

    /// <summary>The checkpoint of the release with the highest count, or null when none was kept.</summary>
    Task<AuditCheckpoint?> LatestAsync(string releaseId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every release (and stream) with a checkpoint kept: what the daily whole-trail manifest reads when it has no sealed
    /// previous manifest to start from (<see cref="Audit.AuditManifestJob"/>; its other runs read the index).
    /// The export of a period does not list it (that grows with the years): it reads the period index (<see cref="IAuditActivity"/>).
    /// </summary>
    Task<IReadOnlyList<string>> ReleaseIdsAsync(CancellationToken cancellationToken = default);

    /// <summary>Keeps <paramref name="manifest"/>, the checkpoint of the whole trail (<see cref="AuditManifest"/>); write-once like the others.</summary>
    Task RecordManifestAsync(AuditManifest manifest, CancellationToken cancellationToken = default);

    /// <summary>The newest manifest kept, or null when none was.</summary>
    Task<AuditManifest?> LatestManifestAsync(CancellationToken cancellationToken = default);
}
