using ReleaseManagement.Ports;

namespace ReleaseManagement.Activities;

/// <summary>
/// Runs a send at most once at a time and, once it went out, never again (<see cref="ISendClaims"/>): the sender claims
/// the send's key with a lease of <see cref="Lease"/>, renewed every <see cref="Renewal"/> while it sends, and records
/// the result. A second worker running the same call meanwhile (the work item came back to the task hub while the first
/// still sent it) waits, then returns the first one's result without sending. A sender whose send failed lets the claim
/// go at once, so the retry sends; a sender that died leaves a lease that runs out after <see cref="Lease"/> at most, and
/// the next worker sends. What stays at least once: a worker that died after the send went out and before it recorded
/// it (a window of one storage write).
/// </summary>
public sealed class SendOnce(ISendClaims claims, TimeProvider time)
{
    /// <summary>How long a claim holds without renewal: the longest a dead sender delays the next one.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    /// <summary>How often a sender renews its claim while it sends.</summary>
    public static readonly TimeSpan Renewal = TimeSpan.FromSeconds(10);

    /// <summary>How often a worker whose send another holds looks again.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    /// <summary>The result of the send <paramref name="key"/> of a release: <paramref name="send"/>'s, or the one recorded by whoever sent it.</summary>
    public async Task<int> RunAsync(string releaseId, string key, Func<CancellationToken, Task<int>> send, CancellationToken cancellationToken = default)
    {
        var owner = Guid.NewGuid().ToString("N");
        while (true)
        {
            var now = time.GetUtcNow();
            var claim = await claims.ClaimAsync(releaseId, key, owner, now, now + Lease, cancellationToken);
            switch (claim.State)
            {
                case SendClaimState.Done:
                    return claim.Result;
                case SendClaimState.Held:
                    // Held means a lease running past now: wait until it runs out, or a poll, whichever comes first.
                    await Task.Delay(claim.Until is { } until && until - now < Poll ? until - now : Poll, time, cancellationToken);
                    continue;
            }

            int result;
            using (var renewing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var renewal = RenewAsync(releaseId, key, owner, renewing.Token);
                try
                {
                    result = await send(cancellationToken);
                }
                catch
                {
                    await renewing.CancelAsync();
                    await renewal;
                    await claims.ReleaseAsync(releaseId, key, owner, CancellationToken.None);
                    throw;
                }

                await renewing.CancelAsync();
                await renewal;
            }

            await claims.CompleteAsync(releaseId, key, result, time.GetUtcNow(), cancellationToken);
            return result;
        }
    }

    private async Task RenewAsync(string releaseId, string key, string owner, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(Renewal, time, cancellationToken);
                var now = time.GetUtcNow();
                await claims.ClaimAsync(releaseId, key, owner, now, now + Lease, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The send ended.
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Storage failing while the send runs: the send goes on; its completion is written (or fails) after it.
        }
    }
}
