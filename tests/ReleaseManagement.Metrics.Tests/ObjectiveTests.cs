using ReleaseManagement.Audit;
using ReleaseManagement.Events;
using ReleaseManagement.Objectives;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Metrics.Tests;

/// <summary>
/// Issue 27, point 2: business objectives measured after the release ships, by the daily job, from the deployments of the
/// rolled-up days: each checkpoint once, its verdict stored and in the audit trail, missing data never met.
/// </summary>
public sealed class ObjectiveTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly int Year = EndToEndTests.YearFor(Random.Shared.Next(0, 1000));

    private static DateTimeOffset D(int month, int day, int hour = 0) => new(Year, month, day, hour, 0, 0, TimeSpan.Zero);

    private static BusinessObjective Conversion => new("conversion", "Checkout conversion up after the new flow")
    {
        Measure = "checkout-conversion", Comparison = ThresholdComparison.AtLeast, Target = 3.5m, After = [TimeSpan.FromDays(7), TimeSpan.FromDays(30)],
    };

    private static BusinessObjective Tickets => new("tickets", "Support tickets about invoices down")
    {
        Measure = "invoice-tickets", Comparison = ThresholdComparison.AtMost, Target = 20m, After = [TimeSpan.FromDays(7)],
    };

    [Fact]
    public async Task DailyJob_CheckpointsDue_AreMeasuredOnceEach_MissingDataIsNeverMet_AndAudited()
    {
        await using var h = new MetricsHarness(D(4, 1, 6), Facts.Utc with
        {
            BusinessObjectives = new()
            {
                Measures = new Dictionary<string, ObjectiveMeasure>
                {
                    ["checkout-conversion"] = new() { Description = "Checkout conversion", Unit = "%" },
                    ["invoice-tickets"] = new() { Description = "Invoice support tickets" },
                },
            },
        });
        var id = MetricsHarness.NewId("obj");
        await h.ReleaseAsync(id, ReleaseType.Minor, "Billing", D(2, 1), objectives: [Conversion, Tickets]);
        await h.EventAsync(CanonicalEventType.ServiceDeployed, D(3, 20, 12), id, "Billing");
        h.Measures.Values["checkout-conversion"] = 3.8m; // invoice-tickets: no data

        // 1 April: the 7-day checkpoint is due, but Azure Monitor is down: nothing is judged (an outage is not missing data).
        h.Measures.Down = true;
        await h.Jobs.RunDailyRollupAsync(Ct);
        Assert.Equal(2, h.Measures.Asked.Count);
        Assert.Empty(await h.ObjectiveVerdicts.ListAsync(id, Ct));
        h.Measures.Down = false;
        h.Measures.Asked.Clear();

        // 2 April: back; 7 days have passed since the deployment on 20 March (30 have not).
        h.Clock.SetUtcNow(D(4, 2, 6));
        await h.Jobs.RunDailyRollupAsync(Ct);
        var verdicts = await h.ObjectiveVerdicts.ListAsync(id, Ct);
        Assert.Equal(
            [("conversion", "7.00:00:00", ObjectiveVerdicts.Met, (decimal?)3.8m), ("tickets", "7.00:00:00", ObjectiveVerdicts.MissingData, null)],
            verdicts.OrderBy(v => v.ObjectiveId).Select(v => (v.ObjectiveId, v.Checkpoint, v.Verdict, v.Value)));
        Assert.Contains(("checkout-conversion", D(3, 20, 12), D(3, 27, 12)), h.Measures.Asked);
        Assert.Contains("No value for invoice-tickets: no rows for the period", verdicts.Single(v => v.ObjectiveId == "tickets").Reason, StringComparison.Ordinal);

        // Run again the same day: nothing is measured twice.
        h.Measures.Asked.Clear();
        await h.Jobs.RunDailyRollupAsync(Ct);
        Assert.Empty(h.Measures.Asked);

        // 20 April: the 30-day checkpoint, now below target.
        h.Clock.SetUtcNow(D(4, 20, 6));
        h.Measures.Values["checkout-conversion"] = 3.1m;
        await h.Jobs.RunDailyRollupAsync(Ct);
        var thirty = (await h.ObjectiveVerdicts.ListAsync(id, Ct)).Single(v => v.Checkpoint == "30.00:00:00");
        Assert.Equal((ObjectiveVerdicts.NotMet, 3.1m), (thirty.Verdict, thirty.Value));
        Assert.Contains("checkout-conversion was 3.1 %; target checkout-conversion at least 3.5 %", thirty.Reason, StringComparison.Ordinal);

        var audit = await h.Audit.ReadAsync(id, Ct);
        Assert.Equal(3, audit.Count(r => r.Entry.Action == AuditActions.Objective));
        Assert.True(AuditChain.Verify(audit, ReleaseFunctions.TestSupport.InMemoryAuditTrail.Keys).Verified);

        // What the release page and the API show.
        var standings = await h.Objectives.StandingsAsync((await h.Releases.GetAsync(id, Ct))!, h.Policy, Ct);
        Assert.Equal([ObjectiveVerdicts.NotMet, ObjectiveVerdicts.MissingData], standings.Select(s => s.State));
        Assert.All(standings, s => Assert.Empty(s.Pending));

        // The March report (the release shipped in March) counts its objectives by their latest verdicts.
        var report = await h.Service_.BuildReportAsync(ReportPeriod.Month(Year, 3), cancellationToken: Ct);
        Assert.Equal(new ObjectiveTally(1, 2, 0, 1, 1, 0), report.Objectives);
    }

    [Fact]
    public void Judge_MissingValueOrTarget_IsMissingData_AtMostAndAtLeastCompare()
    {
        Assert.Equal(ObjectiveVerdicts.MissingData, ObjectiveJudge.Judge(Conversion, new(null, "query failed")).Verdict);
        Assert.Equal(ObjectiveVerdicts.Met, ObjectiveJudge.Judge(Conversion, new(3.5m, null)).Verdict);
        Assert.Equal(ObjectiveVerdicts.NotMet, ObjectiveJudge.Judge(Conversion, new(3.49m, null)).Verdict);
        Assert.Equal(ObjectiveVerdicts.Met, ObjectiveJudge.Judge(Tickets, new(20m, null)).Verdict);
        Assert.Equal(ObjectiveVerdicts.NotMet, ObjectiveJudge.Judge(Tickets, new(21m, null)).Verdict);
        Assert.Equal([TimeSpan.FromDays(7)], ObjectiveJudge.Due(Conversion, D(1, 1), D(1, 20)));
        Assert.Empty(ObjectiveJudge.Due(new BusinessObjective("a", "attested") { AttestedBy = "product-owner" }, D(1, 1), D(6, 1)));
    }
}
