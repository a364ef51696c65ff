namespace ReleaseManagement.Ports;

/// <summary>What <see cref="ISendClaims.ClaimAsync"/> found.</summary>
public enum SendClaimState
{
    /// <summary>The caller holds the send now: it sends, then completes it (or lets it go when the send failed).</summary>
    Claimed,

    /// <summary>Another worker holds the send, its lease running until <see cref="SendClaim.Until"/>.</summary>
    Held,

    /// <summary>The send went out; <see cref="SendClaim.Result"/> is what its sender recorded.</summary>
    Done,
}

/// <summary>The outcome of a claim on a send.</summary>
public sealed record SendClaim(SendClaimState State, int Result = 0, DateTimeOffset? Until = null)
{
    public static readonly SendClaim Claimed = new(SendClaimState.Claimed);
}

/// <summary>
/// Who is sending an effect now (a notice, an approval email), and whether it went out (table <c>Sends</c> in Azure,
/// partition the release, row the send's key). The guard that keeps two workers of one task hub from both sending what
/// one activity call sends: a work item whose lease ran out while its activity still ran is taken by another host, and
/// a retry whose earlier attempt sent but lost its completion runs again (<see cref="Activities.SendOnce"/>).
/// </summary>
public interface ISendClaims
{
    /// <summary>
    /// Claims the send <paramref name="key"/> of a release for <paramref name="owner"/> until <paramref name="until"/>:
    /// <see cref="SendClaimState.Claimed"/> when no one holds it, its holder's lease ran out before <paramref name="now"/>, or
    /// the owner holds it already (the lease is then extended); <see cref="SendClaimState.Held"/> while another owner's lease
    /// runs; <see cref="SendClaimState.Done"/> once it was completed. Of concurrent claimants exactly one is given it.
    /// </summary>
    Task<SendClaim> ClaimAsync(string releaseId, string key, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>Records the send as gone out, with its result. Idempotent: the first completion's result is kept.</summary>
    Task CompleteAsync(string releaseId, string key, int result, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Lets go of a send whose attempt failed, if <paramref name="owner"/> still holds it, so the retry need not wait out the lease.</summary>
    Task ReleaseAsync(string releaseId, string key, string owner, CancellationToken cancellationToken = default);
}
