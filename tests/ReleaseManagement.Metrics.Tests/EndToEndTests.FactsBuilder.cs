using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using ReleaseManagement.Approvals;
using ReleaseManagement.Azure.Metrics;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Metrics.Tests;

/// <summary>
/// The facts builder reads the period's events and approvals at once and the releases they name up front, at most
/// <see cref="16"/> at a time: the same facts, in the same order, as the rules worked by
/// hand give, each lookup read once.
/// </summary>
public sealed partial class EndToEndTests
{
    [Fact]
    public async Task FactsBuilder_DayOfSeveralReleases_FactsAsWorkedByHandEachReleaseReadOnce()
    {
        await using var h = new MetricsHarness(M(20));
        var (a, b, c, d) = (MetricsHarness.NewId("fa"), MetricsHarness.NewId("fb"), MetricsHarness.NewId("fc"), MetricsHarness.NewId("fd"));
        await h.ReleaseAsync(a, ReleaseType.Minor, "Billing", M(1));
        await h.ReleaseAsync(b, ReleaseType.Patch, "Forecasting", M(2));
        await h.ReleaseAsync(c, ReleaseType.Hotfix, "Billing", M(3));
        await h.ReleaseAsync(d, ReleaseType.Major, "Forecasting", M(4));

        // a: merged the 9th, asked 06:00 and approved 08:00 for production, deployed 09:00.
        await h.EventAsync(CanonicalEventType.ChangeMerged, M(9, 8), a, "Billing", environment: null, outcome: null);
        await h.ApprovalAsync(a, ApprovalStageKeys.PromotionProduction, "rm@example.com", "release-manager", M(10, 6), M(10, 8));
        await h.EventAsync(CanonicalEventType.ServiceDeployed, M(10, 9), a, "Billing");
        // b: a failed deployment, a good one, an incident, a rollback.
        await h.EventAsync(CanonicalEventType.ServiceDeployed, M(10, 11), b, "Forecasting", outcome: EventOutcomes.Failure);
        await h.EventAsync(CanonicalEventType.ServiceDeployed, M(10, 12), b, "Forecasting");
        await h.EventAsync(CanonicalEventType.IncidentDetected, M(10, 13), b, "Forecasting", outcome: null, attributes: new() { [EventAttributes.Incident] = "INC-B" });
        await h.EventAsync(CanonicalEventType.ServiceRolledBack, M(10, 14), b, "Forecasting");
        // c: a staging test run, an incident resolved (never deployed), a production ask that expired at 09:00 unanswered.
        await h.EventAsync(CanonicalEventType.TestSuiteRunFinished, M(10, 10), c, "Billing", "staging", EventOutcomes.Success,
            new() { [EventAttributes.TestsFailed] = "2", [EventAttributes.Coverage] = "81.5%" });
        await h.EventAsync(CanonicalEventType.IncidentDetected, M(10, 15), c, "Billing", outcome: null, attributes: new() { [EventAttributes.Incident] = "INC-C" });
        await h.EventAsync(CanonicalEventType.IncidentResolved, M(10, 16), c, "Billing", outcome: null, attributes: new() { [EventAttributes.Incident] = "INC-C" });
        await h.ApprovalAsync(c, ApprovalStageKeys.PromotionProduction, "rm@example.com", "release-manager", M(8, 9), null);
        // d: no event that day, only asks: a rejection and a pre-approved (skipped) stage.
        await h.ApprovalAsync(d, "promotion:integration", "stakeholder@example.com", "stakeholder", M(9, 12), M(10, 7), approved: false);
        await h.Requests.MarkStageClosedAsync(new ApprovalStageClosure(d, "plan", "Pre-approved: Standard change.", M(10, 5), Skipped: true), Ct);
        // And an incident no release claims.
        await h.EventAsync(CanonicalEventType.IncidentDetected, M(10, 17), null, "Billing", outcome: null, attributes: new() { [EventAttributes.Incident] = "INC-X" });
        h.Storage.Clear();

        var facts = await h.Service_.RecomputeFactsAsync(M(10), M(11), Ct);

        ReleaseSegment Seg(string id, string? system, ReleaseType type) => new(id, system, type, ReleaseRequestDefaults.CategoryFor(type));
        var (sa, sb, sc) = (Seg(a, "Billing", ReleaseType.Minor), Seg(b, "Forecasting", ReleaseType.Patch), Seg(c, "Billing", ReleaseType.Hotfix));
        Assert.Equal(
            [
                new DeploymentFact(sa, M(10, 9), true, M(1), M(9, 8), M(10, 8), TimeSpan.FromHours(2)),
                new DeploymentFact(sb, M(10, 11), false, M(2), null, null, null),
                new DeploymentFact(sb, M(10, 12), true, M(2), null, null, null),
            ],
            facts.Deployments);
        Assert.Equal([new RollbackFact(sb, M(10, 14), M(10, 12))], facts.Rollbacks);
        Assert.Equal(
            [
                new IncidentFact(sb, M(10, 13), "INC-B", true, M(10, 12)),
                new IncidentFact(sc, M(10, 15), "INC-C", false, null),
                new IncidentFact(new ReleaseSegment(null, "Billing", null, null), M(10, 17), "INC-X", false, null),
            ],
            facts.Incidents);
        Assert.Equal([new RecoveryFact(sb, M(10, 14), "INC-B", M(10, 13), true), new RecoveryFact(sc, M(10, 16), "INC-C", M(10, 15), false)], facts.Recoveries);
        Assert.Equal([new TestRunFact(sc, M(10, 10), "staging", true, 2, 81.5m)], facts.TestRuns);
        // Decided (by release), then skipped, then timed out; an ask's segment names no system.
        Assert.Equal(
            [
                new ApprovalFact(Seg(a, null, ReleaseType.Minor), M(10, 8), ApprovalStageKeys.PromotionProduction, "release-manager", ApprovalOutcome.Approved, M(10, 6)),
                new ApprovalFact(Seg(d, null, ReleaseType.Major), M(10, 7), "promotion:integration", "stakeholder", ApprovalOutcome.Rejected, M(9, 12)),
                new ApprovalFact(Seg(d, null, ReleaseType.Major), M(10, 5), "plan", ApprovalFact.PreApproved, ApprovalOutcome.Skipped, null),
                new ApprovalFact(Seg(c, null, ReleaseType.Hotfix), M(10, 9), ApprovalStageKeys.PromotionProduction, "release-manager", ApprovalOutcome.TimedOut, M(8, 9)),
            ],
            facts.Approvals);

        // Each release row read once, the asks' own release (d) too; the day's events once and each named release's events once (a, b, c).
        var rowReads = h.Storage.Sent.Where(r => r.Method == "GET" && r.Path.Contains($"/{TableNames.Releases}(", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, rowReads.Count);
        Assert.All([a, b, c, d], id => Assert.Single(rowReads, r => r.Path.Contains($"'{id}'", StringComparison.Ordinal)));
        Assert.Equal(1 + 3, h.Storage.Sent.Count(r => r.Method == "GET" && r.Path.EndsWith($"/{h.EventsTable}()", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task FactsBuilder_DayOfTwentyReleases_ReadsTheirRowsAtOnceAtMostSixteenAndChecksTheTablesOnce()
    {
        await using var h = new MetricsHarness(M(20));
        var ids = Enumerable.Range(0, 20).Select(i => MetricsHarness.NewId($"c{i:D2}")).ToArray();
        for (var i = 0; i < ids.Length; i++)
        {
            await h.ReleaseAsync(ids[i], i % 2 == 0 ? ReleaseType.Patch : ReleaseType.Minor, "Billing", M(1));
            await h.EventAsync(CanonicalEventType.TestSuiteRunFinished, M(10, 1).AddMinutes(i), ids[i], "Billing", "staging");
        }

        // A new instance's release store, whose every read of the release table takes 300 ms longer.
        var slow = new SlowRequests(TableNames.Releases, TimeSpan.FromMilliseconds(300));
        var options = new TableClientOptions();
        options.AddPolicy(slow, HttpPipelinePosition.PerCall);
        var releases = new TableReleaseStore(new TableServiceClient(Azurite.ConnectionString, options));
        var builder = new MetricFactsBuilder(h.Events, releases, new TableApprovalHistory(h.Service), h.Policy);

        var facts = await builder.BuildAsync(M(10), M(11), Ct);

        Assert.Equal(
            ids.Select((id, i) => new TestRunFact(
                new ReleaseSegment(id, "Billing", i % 2 == 0 ? ReleaseType.Patch : ReleaseType.Minor, ChangeCategory.Normal), M(10, 1).AddMinutes(i), "staging", true, 0, null)),
            facts.TestRuns);
        Assert.Equal(20, slow.Sent.Count(r => r.Method == "GET"));
        Assert.Equal(MetricFactsBuilder.LookupConcurrency, slow.MostAtOnce); // one at a time before: 1
        // Sixteen first reads at once share one first-use check: the release table and its index created once each (with a
        // check per store call, as before, the reads under way each created them).
        Assert.Equal(2, slow.Sent.Count(r => r.Method == "POST" && r.Path.EndsWith("/Tables", StringComparison.Ordinal)));
    }

    /// <summary>Records the requests to one table (and the table checks); delays its reads and counts how many were under way at once.</summary>
    private sealed class SlowRequests(string table, TimeSpan delay) : HttpPipelinePolicy
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(string Method, string Path)> _sent = new();
        private int _now;
        private int _most;

        public IReadOnlyList<(string Method, string Path)> Sent => [.. _sent];

        public int MostAtOnce => Volatile.Read(ref _most);

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("The stores read asynchronously.");

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var path = message.Request.Uri.Path;
            var ours = path.Contains($"/{table}(", StringComparison.Ordinal) || path.EndsWith("/Tables", StringComparison.Ordinal);
            if (!ours)
            {
                await ProcessNextAsync(message, pipeline);
                return;
            }

            _sent.Enqueue((message.Request.Method.ToString(), path));
            if (message.Request.Method != RequestMethod.Get)
            {
                await ProcessNextAsync(message, pipeline);
                return;
            }

            var now = Interlocked.Increment(ref _now);
            for (var most = Volatile.Read(ref _most); now > most && Interlocked.CompareExchange(ref _most, now, most) != most; most = Volatile.Read(ref _most))
            {
            }

            try
            {
                await Task.Delay(delay);
                await ProcessNextAsync(message, pipeline);
            }
            finally
            {
                Interlocked.Decrement(ref _now);
            }
        }
    }
}
