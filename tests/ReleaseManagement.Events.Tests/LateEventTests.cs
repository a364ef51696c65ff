using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Api.Webhooks;
using ReleaseManagement.Events;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Events.Tests;

/// <summary>The processor's stale marks for late events (docs/metrics.md, "Late events") on Azurite.</summary>
public sealed class LateEventTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateOnly July1 = new(2025, 7, 1);

    private static CanonicalEvent Deployed(DateTimeOffset at) =>
        new($"test:{Guid.NewGuid():N}", EventSources.Api, CanonicalEventType.ServiceDeployed, at, null, "Billing", "production", EventOutcomes.Success, new Dictionary<string, string>());

    [Fact]
    public async Task Processor_LateDeployment_MarksItsDayStale_AnEventOfTodayMarksNothing()
    {
        await using var h = EventsHarness.Create();
        var daily = h.Services.GetRequiredService<IMetricsDailyStore>();
        var late = Deployed(EventsHarness.Now.AddDays(-3));

        Assert.Equal(ProcessOutcome.Processed, await h.Processor.ProcessEventAsync(late, null, markLate: true, Ct));
        Assert.Equal(ProcessOutcome.Processed, await h.Processor.ProcessEventAsync(Deployed(EventsHarness.Now.AddHours(-1)), null, markLate: true, Ct));

        var mark = Assert.Single(await daily.ListStaleAsync(July1, July1.AddMonths(1), Ct));
        Assert.Equal(new DateOnly(2025, 7, 7), mark.Date);
        Assert.Equal($"late ServiceDeployed event {late.EventId} of 2025-07-07 stored 2025-07-10 12:00 UTC", mark.Reason);
        Assert.Equal(EventDelivery.Uncorrelated, (await h.Store.GetAsync(late.EventId, late.OccurredAt, Ct))!.Delivery);
    }

    [Fact]
    public async Task Processor_StoppedAfterStoringALateEventBeforeMarking_TheRedeliveryMarksIt()
    {
        await using var h = EventsHarness.Create();
        var daily = h.Services.GetRequiredService<IMetricsDailyStore>();
        var late = Deployed(EventsHarness.Now.AddDays(-2));
        // The first attempt stored the event and its outcome, then the process stopped before the mark.
        Assert.Equal(StoreOutcome.Added, await h.Store.AddAsync(late, EventsHarness.Now, Ct));
        await h.Store.MarkProcessedAsync(late, EventDelivery.Uncorrelated, EventsHarness.Now, Ct);
        Assert.Empty(await daily.ListStaleAsync(July1, July1.AddMonths(1), Ct));

        Assert.Equal(ProcessOutcome.Duplicate, await h.Processor.ProcessEventAsync(late, null, markLate: true, Ct));

        Assert.Equal([new DateOnly(2025, 7, 8)], (await daily.ListStaleAsync(July1, July1.AddMonths(1), Ct)).Select(m => m.Date));
    }

    [Fact]
    public async Task MetricsDailyStore_DayMarkedAgainWhileItWasRecomputed_ClearingTheMarkReadBeforeFails()
    {
        await using var h = EventsHarness.Create();
        var daily = h.Services.GetRequiredService<IMetricsDailyStore>();
        var day = new DateOnly(2025, 7, 3);
        await daily.MarkStaleAsync([day], "first", EventsHarness.Now, Ct);
        var read = Assert.Single(await daily.ListStaleAsync(July1, July1.AddMonths(1), Ct));

        await daily.MarkStaleAsync([day], "second", EventsHarness.Now, Ct); // a late event while the day is recomputed

        Assert.False(await daily.ClearStaleAsync(read, Ct));
        var again = Assert.Single(await daily.ListStaleAsync(July1, July1.AddMonths(1), Ct));
        Assert.Equal("second", again.Reason);
        Assert.True(await daily.ClearStaleAsync(again, Ct));
        Assert.Empty(await daily.ListStaleAsync(July1, July1.AddMonths(1), Ct));
    }
}
