using Azure.Data.Tables;

namespace ReleaseManagement.Azure.Tables;

/// <summary>
/// A store's first-use setup (its tables created, a backfill mark read), run once per instance: callers that need it at
/// the same time share one run (so concurrent first reads cost one check, not one each), and a run that failed or was
/// cancelled is started again by the next caller. The run does not take a caller's token: a caller that gives up stops
/// waiting, the setup (idempotent) finishes for the others.
/// </summary>
internal sealed class FirstUse
{
    private readonly Lock _gate = new();
    private Task? _run;
    private volatile bool _done;

    /// <summary>Runs <paramref name="setup"/> unless it ran, or joins the run under way; the setup of the call that starts a run is the one run.</summary>
    public Task EnsureAsync(Func<CancellationToken, Task> setup, CancellationToken cancellationToken)
    {
        if (_done)
        {
            return Task.CompletedTask;
        }

        Task run;
        lock (_gate)
        {
            if (_run is null || _run.IsFaulted || _run.IsCanceled)
            {
                _run = RunAsync(setup);
            }

            run = _run;
        }

        return run.WaitAsync(cancellationToken);
    }

    /// <summary>The common setup: <paramref name="table"/> created if it does not exist.</summary>
    public Task EnsureTableAsync(TableClient table, CancellationToken cancellationToken) =>
        EnsureAsync(async ct => await table.CreateIfNotExistsAsync(ct), cancellationToken);

    private async Task RunAsync(Func<CancellationToken, Task> setup)
    {
        // Off the caller's stack (and out of the lock) before the setup's first request.
        await Task.Yield();
        await setup(CancellationToken.None);
        _done = true;
    }
}
