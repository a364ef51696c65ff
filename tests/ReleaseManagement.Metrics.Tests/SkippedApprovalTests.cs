using ReleaseManagement.Approvals;
using ReleaseManagement.Azure.Metrics;
using ReleaseManagement.Metrics;
using static ReleaseManagement.Metrics.Tests.Facts;

namespace ReleaseManagement.Metrics.Tests;

/// <summary>An approval stage skipped because the change category pre-approves it counts as skipped, never as an ask or a wait.</summary>
public sealed class SkippedApprovalTests
{
    [Fact]
    public void Approvals_SkippedStage_IsCountedAsSkippedAndNotAsAnAskOfAnyRole()
    {
        var facts = new MetricFacts
        {
            Deployments = [Deploy(R4, T(11, 10), requested: T(11, 1), wait: TimeSpan.FromHours(2))],
            Approvals =
            [
                new ApprovalFact(R4, T(11, 1, 1), "plan", ApprovalFact.PreApproved, ApprovalOutcome.Skipped, null),
                new ApprovalFact(R4, T(11, 5), "promotion:integration", "technical-lead", ApprovalOutcome.Approved, T(11, 5) - TimeSpan.FromHours(2)),
            ],
        };

        var a = MetricsCalculator.Compute(facts, T(11, 1), T(12, 1), Utc, 2024).Approvals;

        Assert.Equal(1, a.SkippedStages);
        var role = Assert.Single(a.ByRole);
        Assert.Equal(("technical-lead", 1), (role.Role, role.Asks));
        Assert.Equal(new DurationValue(1, 2, 2), a.Wait); // the skipped plan adds no zero wait
    }

    [Fact]
    public async Task ApprovalHistory_SkippedStageClosure_IsResolvedAsSkippedInItsRange()
    {
        await using var h = new MetricsHarness(T(11, 20));
        var id = MetricsHarness.NewId("skip");
        await h.Requests.MarkStageClosedAsync(new ApprovalStageClosure(id, "plan", "Pre-approved: Standard change.", T(11, 3), Skipped: true), TestContext.Current.CancellationToken);
        await h.Requests.MarkStageClosedAsync(new ApprovalStageClosure(id, "promotion:integration", "The stage was approved.", T(11, 4)), TestContext.Current.CancellationToken);

        var history = new TableApprovalHistory(h.Service);
        var november = await history.ListResolvedAsync(T(11, 1), T(12, 1), TestContext.Current.CancellationToken);
        var october = await history.ListResolvedAsync(T(10, 1), T(11, 1), TestContext.Current.CancellationToken);

        var skipped = Assert.Single(november, a => a.ReleaseId == id);
        Assert.Equal(("plan", ApprovalFact.PreApproved, ApprovalOutcome.Skipped, T(11, 3)), (skipped.Stage, skipped.Role, skipped.Outcome, skipped.ResolvedAt));
        Assert.Null(skipped.AskedAt);
        Assert.DoesNotContain(october, a => a.ReleaseId == id);
    }
}
