using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using ReleaseManagement.Activities;
using ReleaseManagement.Analysis;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Tests.Activities;

/// <summary>The <c>AnalyseCanary</c> activity: reads the port, judges a complete reading, never passes missing data, throws on an outage.</summary>
public sealed class AnalyseCanaryTests
{
    private static readonly CanaryQuery Query = new("rel-1", "Billing", "Production", "2.4.0", "2.3.1",
        new DateTimeOffset(2027, 3, 20, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 3, 20, 12, 15, 0, TimeSpan.Zero));

    private sealed class StubTelemetry(CanaryReading reading) : ICanaryTelemetry
    {
        public List<CanaryQuery> Asked { get; } = [];

        public Task<CanaryReading> ReadAsync(CanaryQuery query, CancellationToken ct)
        {
            Asked.Add(query);
            return Task.FromResult(reading);
        }
    }

    private static CanarySample Side(double durationMs, long requests, long failures) =>
        new(Enumerable.Range(0, (int)requests).Select(i => durationMs + (i % 10)).ToArray(), requests, failures, 0);

    private static (AnalyseCanary Activity, StubTelemetry Telemetry) Create(CanaryReading reading)
    {
        var telemetry = new StubTelemetry(reading);
        return (new AnalyseCanary(telemetry, NullLogger<AnalyseCanary>.Instance), telemetry);
    }

    [Fact]
    public async Task RunAsync_CompleteReadingOfAWorseCanary_ReturnsTheFailingVerdict()
    {
        var (activity, telemetry) = Create(new(CanaryReadingStatus.Complete, Side(100, 200, 1), Side(200, 200, 1), null));

        var result = await activity.RunAsync(new AnalyseCanaryInput(Query, new CanaryAnalysisPolicy()), TestContext.Current.CancellationToken);

        Assert.Equal(Query, Assert.Single(telemetry.Asked));
        Assert.Equal(CanaryReadingStatus.Complete, result.Status);
        Assert.Equal(CanaryOutcome.Fail, result.Verdict!.Outcome);
        Assert.Equal(CanaryOutcome.Fail, Assert.Single(result.Verdict.Checks, c => c.Metric == CanaryChecks.Duration).Outcome);
    }

    [Fact]
    public async Task RunAsync_PolicyOfTheInput_IsTheOneJudgedWith()
    {
        var (activity, _) = Create(new(CanaryReadingStatus.Complete, Side(100, 200, 1), Side(100, 200, 1), null));

        var result = await activity.RunAsync(new AnalyseCanaryInput(Query, new CanaryAnalysisPolicy { MinSamples = 500 }), TestContext.Current.CancellationToken);

        Assert.Equal(CanaryOutcome.Inconclusive, result.Verdict!.Outcome);
    }

    [Theory]
    [InlineData(CanaryReadingStatus.NoData, "no request reached the canary (2.4.0)")]
    [InlineData(CanaryReadingStatus.Complete, null)]
    public async Task RunAsync_NoDataOrAMissingSide_IsAnInconclusiveVerdictNotAPass(CanaryReadingStatus status, string? detail)
    {
        var (activity, _) = Create(new(status, Side(100, 200, 1), null, detail));

        var result = await activity.RunAsync(new AnalyseCanaryInput(Query, new CanaryAnalysisPolicy()), TestContext.Current.CancellationToken);

        Assert.Equal(CanaryReadingStatus.NoData, result.Status);
        Assert.Equal(CanaryOutcome.Inconclusive, result.Verdict!.Outcome);
        Assert.Empty(result.Verdict.Checks);
        Assert.Contains(detail ?? "no data", result.Verdict.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TelemetryUnavailable_ThrowsSoTheLifecycleWaitsTheOutageOut()
    {
        var (activity, _) = Create(new(CanaryReadingStatus.Unavailable, null, null, "503 ServiceUnavailable"));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => activity.RunAsync(new AnalyseCanaryInput(Query, new CanaryAnalysisPolicy()), TestContext.Current.CancellationToken));

        Assert.Contains("503 ServiceUnavailable", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InputAndResult_JsonRoundTrip_KeepEveryField()
    {
        var (activity, _) = Create(new(CanaryReadingStatus.Complete, Side(100, 200, 1), Side(200, 200, 1), "sampled 200 of 200"));
        var input = new AnalyseCanaryInput(Query, new CanaryAnalysisPolicy { Alpha = 0.01 });
        var result = await activity.RunAsync(input, TestContext.Current.CancellationToken);

        var inputBack = JsonSerializer.Deserialize<AnalyseCanaryInput>(JsonSerializer.Serialize(input))!;
        var resultBack = JsonSerializer.Deserialize<CanaryAnalysisResult>(JsonSerializer.Serialize(result))!;

        Assert.Equal(input, inputBack);
        Assert.Equal((result.Status, result.Detail, result.Verdict!.Outcome, result.Verdict.Summary), (resultBack.Status, resultBack.Detail, resultBack.Verdict!.Outcome, resultBack.Verdict.Summary));
        Assert.Equal(result.Verdict.Checks, resultBack.Verdict.Checks);
    }
}
