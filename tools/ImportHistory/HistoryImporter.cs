using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ReleaseManagement.Api.Webhooks;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Azure.Metrics;
using ReleaseManagement.Events;
using ReleaseManagement.Metrics;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Tools.ImportHistory;

/// <summary>A refused line and why.</summary>
public sealed record RefusedLine(int Line, string Reason);

/// <summary>What an import did (or, dry, would do), per line: imported (stored at least one new event), duplicate
/// (everything already stored, or an earlier line of the file), refused.</summary>
public sealed record ImportSummary(int Lines, int Imported, int Duplicates, IReadOnlyList<RefusedLine> Refused, int EventsStored, int DaysMarkedStale, bool DryRun)
{
    public string Describe()
    {
        var verb = DryRun ? "would import" : "imported";
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{Lines} line(s): {verb} {Imported} ({EventsStored} event(s)), {Duplicates} duplicate(s), {Refused.Count} refused");
        if (!DryRun)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"; {DaysMarkedStale} rolled-up day(s) marked for recompute");
        }

        return text + (DryRun ? " (--dry-run: nothing written)." : ".");
    }
}

/// <summary>
/// Imports a history file through the webhook path's processor (<see cref="PipelineEventProcessor.ProcessEventAsync"/>: the
/// same conditional insert, release index and outcome), never raising events to running releases (history is for the
/// metrics). Lines are stored in batches with bounded parallelism; after each batch the metric days its events change are
/// marked stale in one go (<see cref="LateEventMarker.MarkManyAsync"/>). An interrupted import is finished by running it
/// again: the events stored before are duplicates, and their days are marked again.
/// </summary>
public sealed class HistoryImporter(
    PipelineEventNormalizer normalizer,
    ReleaseCorrelator correlator,
    PipelineEventProcessor processor,
    IPipelineEventStore store,
    LateEventMarker late)
{
    public const int BatchSize = 250;

    public async Task<ImportSummary> ImportAsync(
        TextReader reader, HistoryFormat format, bool dryRun, int parallelism = 8, IProgress<(int Done, int Total)>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var lines = HistoryFile.Read(reader, format, normalizer, correlator).ToList();
        var refused = lines.Where(l => l.Refused is not null).Select(l => new RefusedLine(l.Number, l.Refused!)).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var duplicates = 0;
        var work = new List<(HistoryLine Line, List<CanonicalEvent> Events)>();
        foreach (var line in lines.Where(l => l.Refused is null))
        {
            var fresh = line.Events.Where(e => seen.Add(e.EventId)).ToList();
            if (fresh.Count == 0)
            {
                duplicates++; // repeats an earlier line of the file
            }
            else
            {
                work.Add((line, fresh));
            }
        }

        var total = work.Count;
        var done = 0;
        var imported = 0;
        var stored = 0;
        var marked = new SortedSet<DateOnly>();
        progress?.Report((0, total));
        foreach (var batch in work.Chunk(BatchSize))
        {
            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken }, async (item, ct) =>
            {
                var added = 0;
                foreach (var evt in item.Events)
                {
                    if (dryRun)
                    {
                        added += await store.GetAsync(evt.EventId, evt.OccurredAt, ct) is { Delivery: not null } ? 0 : 1;
                    }
                    else if (await processor.ProcessEventAsync(evt, durable: null, markLate: false, ct) == ProcessOutcome.Processed)
                    {
                        added++;
                    }
                }

                if (added > 0)
                {
                    Interlocked.Increment(ref imported);
                    Interlocked.Add(ref stored, added);
                }
                else
                {
                    Interlocked.Increment(ref duplicates);
                }

                progress?.Report((Interlocked.Increment(ref done), total));
            });

            if (!dryRun)
            {
                // After the batch is stored (a recompute that clears these marks has read it); duplicates too, so a re-run
                // of an interrupted import marks what the first run stored.
                var events = batch.SelectMany(b => b.Events).ToList();
                marked.UnionWith(await late.MarkManyAsync(events, string.Create(CultureInfo.InvariantCulture,
                    $"import of history ({events.Count} events from line {batch[0].Line.Number})"), cancellationToken));
            }
        }

        return new ImportSummary(lines.Count, imported, duplicates, refused.OrderBy(r => r.Line).ToList(), stored, marked.Count, dryRun);
    }
}

/// <summary>The import's composition: the webhook path's services (AddPipelineEvents) plus the policy, the metrics' stale marks and the audit trail.</summary>
public static class ImportServices
{
    public static IServiceCollection AddHistoryImport(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPipelineEvents(configuration);
        services.TryAddSingleton(_ => ReleasePolicyLoader.Load(configuration[ReleasePolicyLoader.PathSetting], Environment.CurrentDirectory));
        services.TryAddSingleton<IMetricsDailyStore>(sp =>
            new TableMetricsDailyStore(sp.GetRequiredService<EventStorageClients>().Tables.GetTableClient(MetricsTableNames.MetricsDaily)));
        services.TryAddSingleton<LateEventMarker>();
        // The pipeline-event processor requires the audit trail (no optional safety): the same table the hosts write.
        services.TryAddSingleton<ReleaseManagement.Ports.IAuditTrail>(sp =>
            new ReleaseManagement.Azure.Tables.TableAuditTrail(sp.GetRequiredService<EventStorageClients>().Tables));
        services.TryAddSingleton<HistoryImporter>();
        return services;
    }
}
