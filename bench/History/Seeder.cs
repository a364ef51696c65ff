using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Approvals;
using ReleaseManagement.Audit;
using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace History;

/// <summary>
/// Writes the calendar through the stores the hosts compose, by their public write paths only (so whatever index a store
/// keeps is written too): the release store (creation, then the release's status changes and notices as one
/// <see cref="IReleaseStore.ApplyAllAsync"/>, one transaction of its partition), the approval request and decision stores,
/// the audit trail (checkpointed, as composed) and the pipeline event store (each event's row and its release index row,
/// all of a release's events at once so the store's group commit writes each partition's rows in transactions of up to
/// 100). Releases go 16 at a time.
/// </summary>
public sealed class Seeder(IServiceProvider services, DateTimeOffset now)
{
    private readonly IReleaseStore _releases = services.GetRequiredService<IReleaseStore>();
    private readonly IPipelineEventStore _events = services.GetRequiredService<IPipelineEventStore>();
    private readonly IApprovalRequestStore _requests = services.GetRequiredService<IApprovalRequestStore>();
    private readonly IApprovalDecisionStore _decisions = services.GetRequiredService<IApprovalDecisionStore>();
    private readonly IAuditTrail _audit = services.GetRequiredService<IAuditTrail>();
    private readonly ReleasePolicy _policy = services.GetRequiredService<ReleasePolicy>();
    private readonly string _policyHash = CanonicalJson.PolicyHash(services.GetRequiredService<ReleasePolicy>());

    public ConcurrentDictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);

    public async Task SeedAsync(IEnumerable<PlannedRelease> releases)
    {
        await services.GetRequiredService<ReleasePolicies>().CaptureAsync();
        await Parallel.ForEachAsync(releases, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (r, ct) => await SeedAsync(r, ct));
    }

    private void Count(string what, int n = 1) => Counts.AddOrUpdate(what, n, (_, c) => c + n);

    private async Task SeedAsync(PlannedRelease r, CancellationToken ct)
    {
        var approvers = _policy.Approvers;
        var request = new ReleaseRequest(r.Id, $"{r.System} {r.Type} {r.Target:yyyy-MM-dd}", r.Type, [r.System], r.Target, "rm@example.com");
        var record = new ReleaseRecord(request, r.RequestedAt, ReleasePhase.Submitted, ReleaseStatus.Active, "Submitted.", r.RequestedAt, PolicyHash: _policyHash);
        var clock = Stopwatch.GetTimestamp();
        if (!await _releases.TryCreateAsync(record, ct))
        {
            throw new InvalidOperationException($"{r.Id} exists: use a fresh Azurite.");
        }

        Count("releases");
        Lap("release store", ref clock);
        var audit = new List<AuditEntry>
        {
            new(r.Id, "request", AuditActions.Request, "rm@example.com", r.RequestedAt, "api", $"{r.Type} release requested for {r.Target:yyyy-MM-dd}."),
        };

        // Approvals: every stage of the release's route, each required role asked by email and deciding through its link.
        var plan = ApprovalPlan.For(_policy, request);
        var span = r.DeployAt - r.RequestedAt;
        var stages = plan.Stages.Select(s => s.Key).ToArray();
        for (var i = 0; i < stages.Length; i++)
        {
            var asked = r.RequestedAt + (span * (0.05 + (0.8 * i / stages.Length)));
            var decided = asked.AddHours(5);
            if (decided > now || (r.Status == ReleaseStatus.Cancelled && i > 0))
            {
                break;
            }

            foreach (var role in plan.Stages[i].Value.RequiredRoles)
            {
                var approver = approvers.TryGetValue(role, out var people) && people.Count > 0 ? people[0] : $"{role}@example.com";
                var decisionId = $"{r.Id}-{stages[i]}-{role}".Replace(':', '-');
                var token = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(decisionId)));
                var ask = new ApprovalRequest(token, r.Id, stages[i], 1, ApprovalKind.Request, approver, role, asked, asked.AddDays(3));
                await _requests.AddAsync(ask, ct);
                await _requests.MarkSentAsync(ask, asked, ct);
                await _decisions.AddAsync(new ApprovalDecisionRecord(decisionId, r.Id, stages[i], true, approver, role, "Approved.", decided, "email", "10.0.0.1", "bench", approver), ct);
                audit.Add(new(r.Id, "decision-" + decisionId, AuditActions.Decision, approver, decided, "email", $"{role} approved {stages[i]}."));
                Count("decisions");
            }

            await _requests.MarkStageClosedAsync(new ApprovalStageClosure(r.Id, stages[i], "decided", decided), ct);
        }

        Lap("approval stores", ref clock);

        // The lifecycle's status changes and the communication timeline's notices, as one write of the release's partition.
        var writes = Writes(r);
        await _releases.ApplyAllAsync(writes, ct);
        Count("timeline lines", writes.Count);
        Lap("release store", ref clock);
        if (r.Status != ReleaseStatus.Cancelled && r.DeployAt <= now)
        {
            audit.Add(new(r.Id, "deployment-production", AuditActions.Deployment, AuditEntry.System, r.DeployAt, "orchestration", "Deployed to production."));
        }

        if (r.Status == ReleaseStatus.RolledBack)
        {
            audit.Add(new(r.Id, "rollback-production", AuditActions.Rollback, AuditEntry.System, r.DeployAt.AddHours(2), "orchestration", "Rolled back in production."));
        }

        if (r.EndedAt is { } ended)
        {
            audit.Add(new(r.Id, "outcome", r.Status == ReleaseStatus.Cancelled ? AuditActions.Cancel : AuditActions.Outcome,
                r.Status == ReleaseStatus.Cancelled ? "rm@example.com" : AuditEntry.System, ended, "orchestration", $"{r.Status}."));
        }

        foreach (var entry in audit.OrderBy(a => a.At))
        {
            // Written at its own time, as a live system wrote it (so the period index has no late-row marks of this month).
            using (SeedClock.At(entry.At))
            {
                await _audit.AppendAsync(entry, ct);
            }
        }

        Count("audit rows", audit.Count);
        Lap("audit trail", ref clock);

        // Every event of the release at once: the store groups concurrent writes of a partition into transactions.
        var events = Calendar.EventsOf(r, now).Where(e => e.OccurredAt <= now).ToArray();
        await Task.WhenAll(events.Select(async e =>
        {
            var outcome = await _events.AddAsync(e, e.OccurredAt.AddSeconds(2), EventDelivery.Raised, ct);
            if (outcome != StoreOutcome.Added)
            {
                throw new InvalidOperationException($"Event {e.EventId} exists: use a fresh Azurite.");
            }

            await _events.RecordIndexAsync(e, EventDelivery.Raised, e.OccurredAt.AddSeconds(2), ct);
        }));
        Count("events", events.Length);
        Lap("event store", ref clock);
    }

    /// <summary>
    /// The whole-trail manifest the daily <see cref="AuditManifestJob"/> keeps, as of now: every trail's latest checkpoint,
    /// sealed with the audit key and written to the checkpoint container; what the job's first run does (a listing and a
    /// read of every trail's checkpoints). The job itself, incremental from the manifest before, would not re-read trails
    /// seeded afterwards into earlier months (the four years before the last one, seeded second).
    /// </summary>
    public async Task<AuditManifest> SealManifestAsync()
    {
        var checkpoints = services.GetRequiredService<IAuditCheckpoints>();
        var ids = await checkpoints.ReleaseIdsAsync();
        var heads = new AuditCheckpoint?[ids.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, ids.Count), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, ct) => heads[i] = await checkpoints.LatestAsync(ids[i], ct));
        var manifest = AuditManifest.Seal(DateTimeOffset.UtcNow, heads.OfType<AuditCheckpoint>(), services.GetRequiredService<AuditKeys>());
        await checkpoints.RecordManifestAsync(manifest);
        return manifest;
    }

    /// <summary>Seconds spent writing to each store, summed over the releases written at once (so their shares, not wall time).</summary>
    public ConcurrentDictionary<string, double> Seconds { get; } = new(StringComparer.Ordinal);

    private void Lap(string store, ref long clock)
    {
        var elapsed = Stopwatch.GetElapsedTime(clock).TotalSeconds;
        Seconds.AddOrUpdate(store, elapsed, (_, s) => s + elapsed);
        clock = Stopwatch.GetTimestamp();
    }

    /// <summary>The lifecycle's lines through the phases reached, its last one the release's standing; the notices due by now.</summary>
    public IReadOnlyList<ReleaseWrite> Writes(PlannedRelease r)
    {
        var writes = new List<ReleaseWrite>();
        ReleasePhase[] path = [ReleasePhase.Planning, ReleasePhase.Development, ReleasePhase.Promotion, ReleasePhase.Deployment, ReleasePhase.Validation, ReleasePhase.PostRelease, ReleasePhase.Closed];
        double[] shares = [0.02, 0.1, 0.65, 1.0, 1.0, 1.0, 1.0];
        var span = r.DeployAt - r.RequestedAt;
        var seq = 0;
        foreach (var (phase, i) in path.Select((p, i) => (p, i)))
        {
            var last = r.Status == ReleaseStatus.Active ? phase == r.Phase : phase == ReleasePhase.Closed
                || (r.Status == ReleaseStatus.Cancelled && phase == ReleasePhase.Promotion);
            var at = last && r.EndedAt is { } ended ? ended : r.RequestedAt + (span * shares[i]) + TimeSpan.FromMinutes(i * 30);
            var (ph, status) = last && r.Status != ReleaseStatus.Active ? (ReleasePhase.Closed, r.Status) : (phase, ReleaseStatus.Active);
            var reason = status == ReleaseStatus.Active ? $"{phase}." : $"{status}.";
            writes.Add(new ReleaseStatusChange(r.Id, at, ph, status, reason,
                new TimelineEntry(++seq, at, ph, status == ReleaseStatus.Active ? TimelineKinds.Phase : TimelineKinds.Outcome, reason),
                Stage: phase.ToString().ToLowerInvariant(),
                Gates: [new GateItemStatus("unit-tests", "Passed", null), new GateItemStatus("code-review", "Passed", null)],
                PendingApprovals: [],
                Risk: "Medium (impact Medium, probability Medium): Standard testing, monitoring"));
            if (last)
            {
                break;
            }
        }

        // The communication timeline's notices: a week before, the day before and on the day (those due by now).
        var notice = 0;
        foreach (var (code, at) in new[] { ("t-7", r.DeployAt.AddDays(-7)), ("t-1", r.DeployAt.AddDays(-1)), ("t-0", r.DeployAt.AddHours(-1)) })
        {
            if (at > now || at < r.RequestedAt || (r.Status == ReleaseStatus.Cancelled && at > r.EndedAt))
            {
                continue;
            }

            writes.Add(new TimelineNote(r.Id, new TimelineEntry(++notice, at, null, TimelineKinds.Communication, $"Notice {code} sent.",
                TimelineWriters.Communications, code, CommunicationOutcomes.Sent, 12)));
        }

        return writes;
    }
}
