using Azure.Data.Tables;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Azure.Metrics;

/// <summary>
/// Releases in their watch (Phase PostRelease, Status Active), from the active releases' partition of the release index
/// (<see cref="TableReleaseStore.ListActiveAsync"/>: one partition query and a point read of each active release's row),
/// never a scan of table <c>Releases</c>. The phase is read from the release rows: it changes at every step of the
/// lifecycle, and the index keeps no copy of it (docs/architecture.md, "Hot queries").
/// </summary>
/// <param name="service">The account's table service.</param>
/// <param name="indexTable">The release index's table (another name isolates a test).</param>
public sealed class TableReleaseWatchList(TableServiceClient service, string indexTable = TableNames.ReleaseIndex) : IReleaseWatchList
{
    private readonly TableReleaseStore _releases = new(service, indexTable);

    public async Task<IReadOnlyList<ReleaseRecord>> ListInWatchAsync(CancellationToken cancellationToken = default) =>
        (await _releases.ListActiveAsync(cancellationToken))
            .Where(r => r is { Phase: ReleasePhase.PostRelease, Status: ReleaseStatus.Active })
            .ToArray();
}
