using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Activities;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;
using ReleaseManagement.Telemetry;
using static ReleaseManagement.Tests.Orchestration.LifecycleHarness;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>The counter is process-wide: its test runs alone, so every failure it counts is its release's.</summary>
[CollectionDefinition(nameof(EffectFailureTelemetryCollection), DisableParallelization = true)]
public sealed class EffectFailureTelemetryCollection;

/// <summary>
/// <see cref="ReleaseTelemetry.ActivityFailures"/> on the real replay engine: <see cref="EffectGuard"/> counts each failed
/// try of an effect (after the activity's own retries) once, with its dependency, however often the orchestration replays it.
/// </summary>
[Collection(nameof(EffectFailureTelemetryCollection))]
public sealed class EffectFailureTelemetryTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await LifecycleHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task ActivityFailures_MailServerDownForSeveralTries_CountsEachFailedTryOnceWithItsDependency()
    {
        var failures = new ConcurrentQueue<string?>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ReleaseTelemetry.Name && instrument.Name == ReleaseTelemetry.Metrics.ActivityFailures)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                for (var i = 0; i < value && tag.Key == ReleaseTelemetry.Tags.Dependency; i++)
                {
                    failures.Enqueue(tag.Value?.ToString());
                }
            }
        });
        listener.Start();

        var id = $"otel-mail-{Guid.NewGuid():N}"[..24];
        var down = true;
        int Attempts() => _h.Failed.Count(f => f.Activity == ActivityNames.RequestApprovals && f.Input is RequestApprovalsInput a && a.ReleaseId == id);
        _h.Down = (name, input) => Volatile.Read(ref down) && name == ActivityNames.RequestApprovals && input is RequestApprovalsInput a && a.ReleaseId == id;
        var policy = FastPolicy() with
        {
            Resilience = new ResiliencePolicy
            {
                MaxOutage = TimeSpan.FromMinutes(30),
                Backoff = new RetryBackoff { Initial = TimeSpan.FromSeconds(1), Max = TimeSpan.FromSeconds(2) },
            },
        };
        await _h.StartReleaseAsync(Request(id, ReleaseType.Minor), policy);

        // A try fails (after the activity's five attempts), replayed by every episode after it (the warning, the timer, the next try).
        await Eventually.UntilAsync(() => Task.FromResult(Attempts()), n => n >= 5, TimeSpan.FromSeconds(120), "a failed try of the approval emails");
        Volatile.Write(ref down, false);
        await _h.WaitForAsync(id, r => r.Warnings?.Any(w => w.Code == Dependencies.WarningCode) != true
            && _h.Timeline(id).Any(t => t.Message.StartsWith("The mail server answered again", StringComparison.Ordinal)), "the emails to go out and the warning to clear", 120);

        // A try counts when all five of its attempts failed; the try that succeeded does not; the replays of every episode
        // after it (the warning, the timer, the next try) count nothing. One more is allowed: the counter is recorded by the
        // orchestrator's code, and an episode whose completion the engine could not store (a cancelled gRPC call on a loaded
        // machine, as in CI) runs again, not as a replay: metrics are at least once, unlike the effects the journal guards.
        var tries = Attempts() / ActivityCallsAttempts;
        Assert.True(tries >= 1, $"{Attempts()} failed attempts");
        Assert.InRange(failures.Count, tries, tries + 1);
        Assert.All(failures, d => Assert.Equal(Dependencies.Mail, d));
        await _h.Client.TerminateInstanceAsync(id, "test: done");
    }

    /// <summary>The activity's own attempts per try (<c>ActivityCalls.Retry</c>).</summary>
    private const int ActivityCallsAttempts = 5;
}
