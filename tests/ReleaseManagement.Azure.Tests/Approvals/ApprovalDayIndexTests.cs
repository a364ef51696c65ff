using Azure.Core;
using Azure.Data.Tables;
using ReleaseManagement.Approvals;
using ReleaseManagement.Azure.Metrics;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Metrics;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Tests.Approvals;

/// <summary>
/// The approvals' day index (ApprovalDayIndex.cs) against Azurite: filed by the stores with each fact, backfilled once for
/// facts written before it, the same answers as the whole-table scans it replaces, and a day's reads independent of the
/// approvals on other days. The fact tables are shared; each test has an index table of its own and days of its own.
/// </summary>
public sealed class ApprovalDayIndexTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A day of its own for a test: somewhere in 2040–2139 (the fact tables are shared).</summary>
    private static DateTimeOffset NewDay() => new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(Random.Shared.Next(0, 36_000));

    private static TableServiceClient Service(RequestCounter? counter = null, FilterRecorder? filters = null)
    {
        var options = new TableClientOptions();
        if (counter is not null)
        {
            options.AddPolicy(counter, HttpPipelinePosition.PerCall);
        }

        if (filters is not null)
        {
            options.AddPolicy(filters, HttpPipelinePosition.PerCall);
        }

        return new TableServiceClient(Azurite.ConnectionString, options);
    }

    private sealed record Seeded(string ReleaseId, string DecisionId, string Decided, string TimedOut, string ApiDecided);

    /// <summary>
    /// A release's approvals on <paramref name="day"/> (UTC): plan skipped at 01:00; integration asked at 02:00 (its link
    /// expiring the next day), decided through the link at 03:00, approved or (<paramref name="reject"/>) rejected;
    /// production asked of two roles at 04:00, links expiring at 10:00, the release manager deciding by API at 05:00 and
    /// the stakeholder never (a timeout).
    /// </summary>
    private static async Task<Seeded> SeedAsync(string indexTable, DateTimeOffset day, bool reject = false)
    {
        var service = Service();
        var (requests, decisions) = (new TableApprovalRequestStore(service, indexTable), new TableApprovalDecisionStore(service, indexTable));
        var id = Azurite.UniqueName("rel-");
        await requests.MarkStageClosedAsync(new ApprovalStageClosure(id, "plan", "Pre-approved: Standard change.", day.AddHours(1), Skipped: true), Ct);

        var integration = new ApprovalRequest(Azurite.UniqueName("tok"), id, "promotion:integration", 1, ApprovalKind.Request, "lead@example.com", "technical-lead", day.AddHours(2), day.AddHours(26));
        await requests.AddAsync(integration, Ct);
        await requests.MarkSentAsync(integration, day.AddHours(2), Ct);
        var decisionId = Azurite.UniqueName("d");
        await decisions.AddAsync(new ApprovalDecisionRecord(decisionId, id, integration.Stage, !reject, "lead@example.com", "technical-lead", null, day.AddHours(3), "email", null, null, null), Ct);
        var read = await requests.GetAsync(integration.TokenHash, Ct);
        Assert.True(await requests.TryUpdateAsync(read! with { State = ApprovalRequestState.Decided, DecisionId = decisionId, Approved = !reject, DecidedAt = day.AddHours(3) }, Ct));

        var stakeholder = new ApprovalRequest(Azurite.UniqueName("tok"), id, "promotion:production", 1, ApprovalKind.Request, "owner@example.com", "stakeholder", day.AddHours(4), day.AddHours(10));
        var manager = stakeholder with { TokenHash = Azurite.UniqueName("tok"), Approver = "rm@example.com", Role = "release-manager" };
        foreach (var link in new[] { stakeholder, manager })
        {
            await requests.AddAsync(link, Ct);
            await requests.MarkSentAsync(link, day.AddHours(4), Ct);
        }

        await decisions.AddAsync(new ApprovalDecisionRecord(Azurite.UniqueName("d"), id, manager.Stage, true, "rm@example.com", "release-manager", null, day.AddHours(5), "api", null, null, null), Ct);
        return new Seeded(id, decisionId, integration.TokenHash, stakeholder.TokenHash, manager.TokenHash);
    }

    /// <summary>The index rows of <paramref name="kind"/> filed on the UTC day of <paramref name="day"/>.</summary>
    private static async Task<TableEntity[]> RowsAsync(string indexTable, DateTimeOffset day, string kind)
    {
        var rows = new List<TableEntity>();
        var partition = ApprovalDayIndex.Partition(day);
        await foreach (var e in Service().GetTableClient(indexTable).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition} and Kind eq {kind}"), cancellationToken: Ct))
        {
            rows.Add(e);
        }

        return [.. rows];
    }

    [Fact]
    public async Task Stores_WriteFacts_FileEachInTheDayIndexByItsTime()
    {
        var (index, day) = (Azurite.UniqueName("ApprovalsByDay"), NewDay());
        var seeded = await SeedAsync(index, day);

        var decided = await RowsAsync(index, day, ApprovalDayIndex.Decided);
        Assert.Equal(2, decided.Count(r => r.GetString("ReleaseId") == seeded.ReleaseId));
        Assert.Contains(decided, r => r.GetString("DecisionId") == seeded.DecisionId && r.GetDateTimeOffset("At") == day.AddHours(3));
        var skipped = Assert.Single(await RowsAsync(index, day, ApprovalDayIndex.Skipped));
        Assert.Equal((seeded.ReleaseId, "plan", day.AddHours(1)), (skipped.GetString("ReleaseId"), skipped.GetString("Stage"), skipped.GetDateTimeOffset("At")));
        Assert.Equal(
            new[] { seeded.ApiDecided, seeded.TimedOut }.Order(StringComparer.Ordinal),
            (await RowsAsync(index, day, ApprovalDayIndex.Expires)).Select(r => r.GetString("TokenHash")).Order(StringComparer.Ordinal));
        Assert.Equal(seeded.Decided, Assert.Single(await RowsAsync(index, day.AddDays(1), ApprovalDayIndex.Expires)).GetString("TokenHash"));
    }

    [Fact]
    public async Task ListResolved_IndexRowsWhoseFactsWereNeverWritten_AddNothing()
    {
        var (index, day) = (Azurite.UniqueName("ApprovalsByDay"), NewDay());
        var service = Service();
        var history = new TableApprovalHistory(service, index);
        var id = Azurite.UniqueName("rel-");
        var table = service.GetTableClient(index);
        await table.CreateIfNotExistsAsync(Ct);
        await table.UpsertEntityAsync(ApprovalDayIndex.DecisionRow(id, "never-written", day.AddHours(1)), cancellationToken: Ct);
        await table.UpsertEntityAsync(ApprovalDayIndex.SkippedRow(id, "build", day.AddHours(1)), cancellationToken: Ct);
        await table.UpsertEntityAsync(ApprovalDayIndex.LinkRow(new ApprovalRequest("never-added" + id, id, "plan", 1, ApprovalKind.Request, "a@example.com", "stakeholder", day, day.AddHours(2)))!, cancellationToken: Ct);
        // A skipped closure that lost to an earlier closure of the stage: filed, but the closure standing is not skipped.
        var requests = new TableApprovalRequestStore(service, index);
        await requests.MarkStageClosedAsync(new ApprovalStageClosure(id, "plan", "The stage was approved.", day.AddHours(2)), Ct);
        await requests.MarkStageClosedAsync(new ApprovalStageClosure(id, "plan", "Pre-approved.", day.AddHours(3), Skipped: true), Ct);
        Assert.Equal(2, (await RowsAsync(index, day, ApprovalDayIndex.Skipped)).Length);

        var resolved = await history.ListResolvedAsync(day, day.AddDays(1), Ct);

        Assert.DoesNotContain(resolved, a => a.ReleaseId == id);
    }

    [Fact]
    public async Task ListResolved_FactsWrittenBeforeTheIndex_AreBackfilledOnceAndMarked()
    {
        var day = NewDay();
        var before = await SeedAsync(Azurite.UniqueName("ApprovalsElsewhere"), day); // facts whose rows are not in this index
        var index = Azurite.UniqueName("ApprovalsByDay");
        var (from, to) = (day, day.AddDays(1));

        var resolved = await new TableApprovalHistory(Service(), index).ListResolvedAsync(from, to, Ct);

        Assert.Equal(await new ScanningApprovalHistory(Service()).ListResolvedAsync(from, to, Ct), resolved);
        Assert.Equal(
            new[] { ApprovalOutcome.Approved, ApprovalOutcome.Approved, ApprovalOutcome.Skipped, ApprovalOutcome.TimedOut }.Order(),
            resolved.Where(a => a.ReleaseId == before.ReleaseId).Select(a => a.Outcome).Order());
        Assert.True((await Service().GetTableClient(index).GetEntityIfExistsAsync<TableEntity>(ApprovalDayIndex.MetaPartition, ApprovalDayIndex.BackfillMark, cancellationToken: Ct)).HasValue);

        // Marked: a later history on the account does not scan again, so a fact filed elsewhere stays unseen.
        var after = await SeedAsync(Azurite.UniqueName("ApprovalsElsewhere"), day);
        var again = await new TableApprovalHistory(Service(), index).ListResolvedAsync(from, to, Ct);
        Assert.Contains(again, a => a.ReleaseId == before.ReleaseId);
        Assert.DoesNotContain(again, a => a.ReleaseId == after.ReleaseId);
    }

    [Fact]
    public async Task ListResolved_SeededDays_SameAnswersAsTheWholeTableScans()
    {
        var (index, day) = (Azurite.UniqueName("ApprovalsByDay"), NewDay());
        var history = new TableApprovalHistory(Service(), index);
        await history.ListResolvedAsync(day, day, Ct); // the backfill of what the shared tables already hold
        for (var i = 0; i < 6; i++)
        {
            await SeedAsync(index, day.AddDays(i % 3).AddHours(i), reject: i % 2 == 1);
        }

        var scans = new ScanningApprovalHistory(Service());
        var ranges = new (DateTimeOffset From, DateTimeOffset To)[]
        {
            (day, day.AddDays(1)), (day.AddDays(1), day.AddDays(2)), (day.AddDays(2), day.AddDays(3)), (day, day.AddDays(4)),
            (day.AddHours(6), day.AddDays(1).AddHours(6)), // a local day east of UTC: two UTC days
            (day.AddHours(9), day.AddHours(9)), // empty
        };
        var outcomes = new HashSet<ApprovalOutcome>();
        foreach (var (from, to) in ranges)
        {
            var expected = await scans.ListResolvedAsync(from, to, Ct);
            var actual = await history.ListResolvedAsync(from, to, Ct);
            Assert.Equal(expected, actual);
            outcomes.UnionWith(actual.Select(a => a.Outcome));
        }

        Assert.Equal(Enum.GetValues<ApprovalOutcome>().Order(), outcomes.Order());
    }

    [Fact]
    public async Task ListResolved_OneDay_SameReadsWith5And200ReleasesApprovedOnOtherDays()
    {
        var (index, day) = (Azurite.UniqueName("ApprovalsByDay"), NewDay());
        var (counter, filters) = (new RequestCounter(), new FilterRecorder());
        var history = new TableApprovalHistory(Service(counter, filters), index);
        await history.ListResolvedAsync(day, day, Ct); // created and backfilled: what a running host has done
        await SeedAsync(index, day);
        await SeedAsync(index, day.AddHours(12), reject: true);
        var otherDays = Enumerable.Range(0, 200).Select(i => day.AddDays((i % 2 == 0 ? -1 : 1) * (3 + (i * 7 % 400)))).ToArray();

        async Task<(int Requests, int Entities, IReadOnlyList<ResolvedApprovalAsk> Resolved)> MeasureAsync()
        {
            counter.Reset();
            filters.Filters.Clear();
            var resolved = await history.ListResolvedAsync(day, day.AddDays(1), Ct);
            return (counter.Requests, counter.Entities, resolved);
        }

        await Parallel.ForEachAsync(otherDays[..5], Ct, async (d, _) => await SeedAsync(index, d));
        var few = await MeasureAsync();
        await Parallel.ForEachAsync(otherDays[5..], new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (d, _) => await SeedAsync(index, d));
        var many = await MeasureAsync();

        Assert.Equal(8, few.Resolved.Count); // per release: 2 decisions, 1 skip, 1 timeout
        Assert.Equal(few.Resolved, many.Resolved);
        Assert.Equal((few.Requests, few.Entities), (many.Requests, many.Entities));
        // 1 index query (10 rows); per release decided 2 queries (its 2 decisions; its partition of ApprovalRequests: 3
        // sends and a closure), per release skipped 1 (its closure), per link expiring a point read (2 a release) and per
        // role asked its stage's decisions (1 row).
        Assert.Equal((15, 32), (few.Requests, few.Entities));
        // Azurite answers a scan in one page whatever it scanned, so count above and check here that each query reads one
        // partition (Azure pages a scan by the rows it scans: a cross-partition filter would cost more each year).
        Assert.NotEmpty(filters.Filters);
        Assert.All(filters.Filters, f => Assert.StartsWith("PartitionKey eq '", f, StringComparison.Ordinal));
    }

    /// <summary>Records the filter of every table query sent.</summary>
    private sealed class FilterRecorder : global::Azure.Core.Pipeline.HttpPipelineSynchronousPolicy
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Filters { get; } = new();

        public override void OnSendingRequest(global::Azure.Core.HttpMessage message)
        {
            var query = message.Request.Uri.Query.TrimStart('?').Split('&').Select(Uri.UnescapeDataString);
            foreach (var filter in query.Where(q => q.StartsWith("$filter=", StringComparison.Ordinal)))
            {
                Filters.Enqueue(filter["$filter=".Length..]);
            }
        }
    }
}
