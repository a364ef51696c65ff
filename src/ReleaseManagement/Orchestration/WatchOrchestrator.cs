using Microsoft.DurableTask;
using ReleaseManagement.Activities;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Orchestration;

/// <summary>The watch's state, carried across <c>ContinueAsNew</c> so its history stays one check long.</summary>
public sealed record WatchInput(
    string ReleaseId,
    HealthQuery Query,
    IReadOnlyDictionary<string, PerformanceThresholds> Thresholds,
    DateTimeOffset Start,
    DateTimeOffset End,
    TimeSpan Interval,
    int Checks,
    IReadOnlyList<string> Notes);

/// <summary>How the watch ended: <see cref="Breach"/> is null when every check passed.</summary>
public sealed record WatchResult(int Checks, string? Breach);

/// <summary>
/// The post-release watch: checks health every interval until the watch ends, and stops at the first breach. Each check
/// continues as new, so a 24-hour watch at 15-minute intervals never holds more than one check's history.
/// </summary>
public static class WatchOrchestrator
{
    public const string StopEvent = "watch-stop";

    public static async Task<WatchResult> RunAsync(TaskOrchestrationContext context, WatchInput input)
    {
        var now = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero);
        if (now >= input.End)
        {
            return new WatchResult(input.Checks, null);
        }

        var next = now + input.Interval < input.End ? now + input.Interval : input.End;
        using var cts = new CancellationTokenSource();
        var timer = context.CreateTimer(next.UtcDateTime, cts.Token);
        var stop = context.WaitForExternalEvent<string>(StopEvent, cts.Token);
        if (await Task.WhenAny(timer, stop) == stop)
        {
            cts.Cancel();
            return new WatchResult(input.Checks, null);
        }

        cts.Cancel();
        var checkedAt = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero);
        var window = checkedAt - input.Start;
        var query = input.Query with
        {
            WindowStart = input.Start,
            WindowEnd = checkedAt,
            BaselineStart = input.Start - window,
            BaselineEnd = input.Start,
        };
        var result = await context.CallActivityAsync<HealthCheckResult>(
            ActivityNames.CheckReleaseHealth, new HealthCheckInput(query, input.Thresholds), ReleaseOrchestrator.ActivityRetry);
        if (result.Breached)
        {
            return new WatchResult(input.Checks + 1, string.Join("; ", result.Breaches));
        }

        context.ContinueAsNew(input with { Checks = input.Checks + 1 }, preserveUnprocessedEvents: true);
        return new WatchResult(input.Checks + 1, null);
    }
}
