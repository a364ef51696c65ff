using Microsoft.Extensions.Time.Testing;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Activities;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Tests.Activities;

/// <summary>
/// <see cref="SendOnce"/>: one activity call's send goes out once, however many workers run it (issue 25: two hosts of
/// one task hub sent the T+1 report twice when a work item came back while its first worker still sent it).
/// </summary>
public sealed class SendOnceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly InMemorySendClaims _claims = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task RunAsync_SecondWorkerWhileTheFirstSends_SendsOnceAndBothReturnItsResult()
    {
        var once = new SendOnce(_claims, _time);
        var sending = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sends = 0;

        var first = once.RunAsync("rel-1", "notice|t-1", _ => { Interlocked.Increment(ref sends); return sending.Task; }, Ct);
        var second = once.RunAsync("rel-1", "notice|t-1", _ => { Interlocked.Increment(ref sends); return Task.FromResult(99); }, Ct);
        Assert.False(second.IsCompleted); // held by the first: it waits

        sending.SetResult(3);
        Assert.Equal(3, await first.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        _time.Advance(SendOnce.Poll);
        Assert.Equal(3, await second.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Equal(1, sends);
    }

    [Fact]
    public async Task RunAsync_SentBefore_ReturnsTheRecordedResultWithoutSending()
    {
        var once = new SendOnce(_claims, _time);
        Assert.Equal(2, await once.RunAsync("rel-2", "notice|t-7", _ => Task.FromResult(2), Ct));

        Assert.Equal(2, await once.RunAsync("rel-2", "notice|t-7", _ => throw new InvalidOperationException("sent again"), Ct));
        Assert.Equal(5, await once.RunAsync("rel-2", "notice|t-1", _ => Task.FromResult(5), Ct)); // another send of the release
        Assert.Equal(5, await once.RunAsync("rel-3", "notice|t-7", _ => Task.FromResult(5), Ct)); // the same send of another release
    }

    [Fact]
    public async Task RunAsync_SendFailed_TheRetrySendsAtOnce()
    {
        var once = new SendOnce(_claims, _time);
        await Assert.ThrowsAsync<IOException>(() => once.RunAsync("rel-4", "notice|t-1", _ => throw new IOException("mail server down"), Ct));

        // No clock moves: the failed attempt let its claim go, so the retry is not held up by its lease.
        Assert.Equal(1, await once.RunAsync("rel-4", "notice|t-1", _ => Task.FromResult(1), Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct));
    }

    [Fact]
    public async Task RunAsync_HolderDiedMidSend_NextWorkerSendsWhenItsLeaseRunsOut()
    {
        var now = _time.GetUtcNow();
        Assert.Equal(SendClaimState.Claimed, (await _claims.ClaimAsync("rel-5", "notice|t-1", "dead-host", now, now + SendOnce.Lease, Ct)).State);
        var sends = 0;

        var next = new SendOnce(_claims, _time).RunAsync("rel-5", "notice|t-1", _ => Task.FromResult(++sends), Ct);
        _time.Advance(SendOnce.Lease - TimeSpan.FromSeconds(2));
        Assert.False(next.IsCompleted);
        Assert.Equal(0, sends);

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await next.WaitAsync(TimeSpan.FromSeconds(10), Ct));
    }

    [Fact]
    public async Task RunAsync_LongSend_RenewsItsClaimSoNoOtherWorkerTakesIt()
    {
        var once = new SendOnce(_claims, _time);
        var sending = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = once.RunAsync("rel-6", "notice|t-1", _ => sending.Task, Ct);

        // Three leases long, a second at a time: renewed every SendOnce.Renewal, the claim never runs out (each step waits
        // for the renewal it needs, not for a fixed time).
        for (var t = TimeSpan.Zero; t < 3 * SendOnce.Lease; t += TimeSpan.FromSeconds(1))
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            var now = _time.GetUtcNow();
            await Eventually.UntilAsync(() => Task.FromResult(_claims.HeldUntil("rel-6", "notice|t-1")), u => u > now + TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), "the claim renewed ahead of the clock", u => $"{u} at {now}");
        }

        var then = _time.GetUtcNow();
        Assert.Equal(SendClaimState.Held, (await _claims.ClaimAsync("rel-6", "notice|t-1", "another-host", then, then + SendOnce.Lease, Ct)).State);
        sending.SetResult(4);
        Assert.Equal(4, await first.WaitAsync(TimeSpan.FromSeconds(10), Ct));
    }
}
