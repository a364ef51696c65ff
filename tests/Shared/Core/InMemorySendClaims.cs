using ReleaseManagement.Ports;

namespace ReleaseFunctions.TestSupport;

/// <summary>Sends' claims in memory, with the table's rules (<c>TableSendClaims</c>): one holder at a time, done once.</summary>
public sealed class InMemorySendClaims : ISendClaims
{
    private readonly Dictionary<(string, string), (string Owner, DateTimeOffset Until, int? Result)> _rows = [];
    private readonly Lock _lock = new();

    /// <summary>Until when the send's holder holds it (null when nobody ever claimed it).</summary>
    public DateTimeOffset? HeldUntil(string releaseId, string key)
    {
        lock (_lock)
        {
            return _rows.TryGetValue((releaseId, key), out var row) ? row.Until : null;
        }
    }

    public Task<SendClaim> ClaimAsync(string releaseId, string key, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_rows.TryGetValue((releaseId, key), out var row))
            {
                if (row.Result is { } result)
                {
                    return Task.FromResult(new SendClaim(SendClaimState.Done, result));
                }

                if (row.Owner != owner && row.Until > now)
                {
                    return Task.FromResult(new SendClaim(SendClaimState.Held, Until: row.Until));
                }
            }

            _rows[(releaseId, key)] = (owner, until, null);
            return Task.FromResult(SendClaim.Claimed);
        }
    }

    public Task CompleteAsync(string releaseId, string key, int result, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var row = _rows.GetValueOrDefault((releaseId, key));
            if (row.Result is null)
            {
                _rows[(releaseId, key)] = (row.Owner ?? string.Empty, row.Until, result);
            }
        }

        return Task.CompletedTask;
    }

    public Task ReleaseAsync(string releaseId, string key, string owner, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_rows.TryGetValue((releaseId, key), out var row) && row.Owner == owner && row.Result is null)
            {
                _rows[(releaseId, key)] = (owner, DateTimeOffset.MinValue, null);
            }
        }

        return Task.CompletedTask;
    }
}
