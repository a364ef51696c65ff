using Microsoft.Extensions.Logging;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Audit;

/// <summary>
/// The daily checkpoint of the whole audit trail (<see cref="AuditManifest"/>, job <c>AuditManifest</c>, schedule
/// <c>AuditManifestSchedule</c>): the latest checkpoint of every release and stream kept, sealed with the audit key and
/// written to the write-once checkpoint container. A release's own head is checkpointed after every append (so also when
/// it ends); this names the whole set once a day. Cost: one listing and one read per release kept, once a day.
/// </summary>
public sealed partial class AuditManifestJob(IAuditCheckpoints checkpoints, AuditKeys keys, TimeProvider time, ILogger<AuditManifestJob> log)
{
    public async Task<AuditManifest> RunAsync(CancellationToken cancellationToken)
    {
        var heads = new List<AuditCheckpoint>();
        foreach (var id in await checkpoints.ReleaseIdsAsync(cancellationToken))
        {
            if (await checkpoints.LatestAsync(id, cancellationToken) is { } head)
            {
                heads.Add(head);
            }
        }

        var manifest = AuditManifest.Seal(time.GetUtcNow(), heads, keys);
        await checkpoints.RecordManifestAsync(manifest, cancellationToken);
        LogWritten(log, manifest.Heads.Count, manifest.Rows, manifest.At);
        return manifest;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit manifest written: {Releases} releases and streams, {Rows} rows, at {At}")]
    private static partial void LogWritten(ILogger logger, int releases, long rows, DateTimeOffset at);
}
