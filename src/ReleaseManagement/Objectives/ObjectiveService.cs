using Microsoft.Extensions.Logging;
using ReleaseManagement.Audit;
using ReleaseManagement.Metrics;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Objectives;

/// <summary>An objective of a release with its verdicts so far and the checkpoints still to come.</summary>
public sealed record ObjectiveStanding(BusinessObjective Objective, string Target, IReadOnlyList<ObjectiveVerdict> Verdicts, IReadOnlyList<string> Pending)
{
    /// <summary>The latest verdict, or what it waits for.</summary>
    public string State => Verdicts.Count > 0 ? Verdicts[^1].Verdict : Objective.IsMeasured ? "not measured yet" : "waiting for attestation";
}

/// <summary>
/// Business objectives after a release ships: the daily check measures every objective whose checkpoint is due (the time
/// after the release's first successful production deployment, read from the metrics facts of the last
/// <see cref="BusinessObjectivesPolicy.MaxAfter"/> days), stores one verdict per objective and checkpoint and writes it to
/// the audit trail; a person's attestation is stored the same way. Missing data is a verdict of its own, never "met"; a
/// source that does not answer (an outage of Azure Monitor, for hours) judges nothing, and the next run measures again.
/// </summary>
public sealed partial class ObjectiveService(
    MetricsService metrics, IReleaseStore releases, IObjectiveStore verdicts, IObjectiveMeasures measures, IAuditTrail audit,
    ReleasePolicies policies, TimeProvider time, ILogger<ObjectiveService> logger)
{
    /// <summary>Measures every objective checkpoint due now and not judged yet; returns how many verdicts it stored.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var policy = policies.Current;
        var zone = PolicyTime.Zone(policy);
        var today = PolicyTime.LocalDate(zone, now);
        var facts = await metrics.LoadFactsAsync(today.AddDays(-(int)Math.Ceiling(policy.BusinessObjectives.MaxAfter.TotalDays) - 1), today.AddDays(1), cancellationToken: cancellationToken);
        var deployed = facts.Deployments.Where(d => d.Succeeded && d.Segment.ReleaseId is not null)
            .GroupBy(d => d.Segment.ReleaseId!, StringComparer.Ordinal)
            .Select(g => (Id: g.Key, At: g.Min(d => d.At)));
        var stored = 0;
        foreach (var (id, deployedAt) in deployed)
        {
            var record = await releases.GetAsync(id, cancellationToken);
            if (record?.Request.Objectives is not { Count: > 0 } objectives)
            {
                continue;
            }

            var releasePolicy = await policies.ForAsync(record, cancellationToken);
            var done = (await verdicts.ListAsync(id, cancellationToken)).Select(v => (v.ObjectiveId, v.Checkpoint)).ToHashSet();
            foreach (var objective in objectives)
            {
                foreach (var after in ObjectiveJudge.Due(objective, deployedAt, now).Where(a => !done.Contains((objective.Id, ObjectiveVerdict.CheckpointOf(a)))))
                {
                    var unit = releasePolicy.BusinessObjectives.Measures.GetValueOrDefault(objective.Measure!)?.Unit;
                    var measured = await measures.MeasureAsync(objective.Measure!, record.Request, deployedAt, deployedAt + after, cancellationToken);
                    if (measured.Unavailable)
                    {
                        // Azure Monitor is down: no verdict now (an outage is not missing data); the next run measures again.
                        LogUnavailable(logger, id, objective.Id, measured.Missing ?? "no answer");
                        continue;
                    }

                    var (verdict, reason) = ObjectiveJudge.Judge(objective, measured, unit);
                    var checkpoint = ObjectiveVerdict.CheckpointOf(after);
                    stored += await RecordAsync(new ObjectiveVerdict(id, objective.Id, checkpoint, verdict, now, $"{PolicyTime.Describe(after)} after the deployment: {reason}")
                    {
                        Value = measured.Value,
                        By = "azure-monitor",
                    }, AuditEntry.System, AuditChannels.Orchestration, null, cancellationToken) ? 1 : 0;
                }
            }
        }

        LogRun(logger, stored);
        return stored;
    }

    /// <summary>A person's attestation of an attested objective (the caller checked their role): false when one is recorded already.</summary>
    public Task<bool> AttestAsync(string releaseId, BusinessObjective objective, bool met, string? note, string by, string? signedInAs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        var reason = $"{(met ? "Met" : "Not met")}, attested by {by} ({objective.AttestedBy}){(string.IsNullOrWhiteSpace(note) ? "" : ": " + note.Trim())}.";
        return RecordAsync(new ObjectiveVerdict(releaseId, objective.Id, ObjectiveVerdict.AttestationCheckpoint, met ? ObjectiveVerdicts.Met : ObjectiveVerdicts.NotMet, time.GetUtcNow(), reason) { By = by },
            by, AuditChannels.Api, signedInAs, cancellationToken);
    }

    /// <summary>Each objective of the release with its verdicts and the checkpoints not judged yet.</summary>
    public async Task<IReadOnlyList<ObjectiveStanding>> StandingsAsync(Releases.ReleaseRecord record, ReleasePolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(policy);
        var all = record.Request.Objectives is { Count: > 0 } ? await verdicts.ListAsync(record.Request.Id, cancellationToken) : [];
        return (record.Request.Objectives ?? []).Select(o =>
        {
            var mine = all.Where(v => v.ObjectiveId == o.Id).ToArray();
            var pending = o.IsMeasured
                ? o.After.Select(ObjectiveVerdict.CheckpointOf).Where(c => mine.All(v => v.Checkpoint != c)).Select(c => $"{PolicyTime.Describe(TimeSpan.Parse(c, System.Globalization.CultureInfo.InvariantCulture))} after the deployment").ToArray()
                : mine.Length == 0 ? ["an attestation by " + o.AttestedBy] : [];
            return new ObjectiveStanding(o, o.DescribeTarget(o.Measure is { } m ? policy.BusinessObjectives.Measures.GetValueOrDefault(m)?.Unit : null), mine, pending);
        }).ToArray();
    }

    // The audit row first (idempotent on its key), then the verdict as that row says: after a crash between the two, the next
    // run's append returns the row written before, and the verdict stored is that one, not a second measurement.
    private async Task<bool> RecordAsync(ObjectiveVerdict verdict, string by, string channel, string? signedInAs, CancellationToken cancellationToken)
    {
        var row = await audit.AppendAsync(new AuditEntry(
            verdict.ReleaseId, $"objective:{verdict.ObjectiveId}:{verdict.Checkpoint}", AuditActions.Objective, by, verdict.At, channel,
            $"Objective {verdict.ObjectiveId} ({verdict.Checkpoint}): {verdict.Verdict}. {verdict.Reason}", "businessObjectives", signedInAs, null,
            new Dictionary<string, string>
            {
                ["objective"] = verdict.ObjectiveId, ["checkpoint"] = verdict.Checkpoint, ["verdict"] = verdict.Verdict, ["reason"] = verdict.Reason,
                ["value"] = verdict.Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, ["by"] = verdict.By ?? by,
            }), cancellationToken);
        var data = row.Entry.Data ?? new Dictionary<string, string>();
        var recorded = verdict with
        {
            Verdict = data.GetValueOrDefault("verdict") ?? verdict.Verdict,
            Reason = data.GetValueOrDefault("reason") ?? verdict.Reason,
            At = row.Entry.At,
            Value = decimal.TryParse(data.GetValueOrDefault("value"), System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null,
            By = data.GetValueOrDefault("by") ?? verdict.By,
        };
        return await verdicts.AddAsync(recorded, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Release {ReleaseId}: objective {Objective} not measured, the source is unavailable ({Reason}); measured again on the next run")]
    private static partial void LogUnavailable(ILogger logger, string releaseId, string objective, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Business objectives: {Count} verdict(s) stored")]
    private static partial void LogRun(ILogger logger, int count);
}
