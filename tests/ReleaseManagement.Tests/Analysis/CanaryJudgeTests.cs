using System.Text.Json;
using MathNet.Numerics.Distributions;
using ReleaseManagement.Analysis;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Tests.Analysis;

/// <summary>
/// The canary judgement on generated samples whose answer is known: durations from log-normal distributions (seeded),
/// failures and exceptions drawn from binomial and Poisson distributions (seeded), and the textbook values of the tests.
/// </summary>
public sealed class CanaryJudgeTests
{
    private static readonly CanaryAnalysisPolicy Policy = new();

    /// <summary>A side of <paramref name="requests"/> requests with log-normal durations of the given median (ms) and spread.</summary>
    private static CanarySample Side(int seed, int requests, double medianMs, double failureRate = 0.01, double exceptionsPerRequest = 0.02, double sigma = 0.5)
    {
        var random = new Random(seed);
        var durations = new LogNormal(Math.Log(medianMs), sigma, random).Samples().Take(requests).ToArray();
        var failures = new Binomial(failureRate, requests, random).Sample();
        var exceptions = new Poisson(exceptionsPerRequest * requests, random).Sample();
        return new CanarySample(durations, requests, failures, exceptions);
    }

    private static CanaryCheck Check(CanaryVerdict verdict, string metric) => Assert.Single(verdict.Checks, c => c.Metric == metric);

    /// <summary>
    /// 10,000 requests a side: the failure rates' difference then has a standard deviation of 0.14 points, so the 1-point
    /// tolerance is 7 of them. (With 1,000 a side it is 2.2 of them, and one seed in about eighty fails by chance:
    /// docs/deployment-strategies.md says so.)
    /// </summary>
    [Fact]
    public void Judge_EqualDistributions_PassesForEverySeed()
    {
        for (var seed = 1; seed <= 20; seed++)
        {
            var verdict = CanaryJudge.Judge(Side(seed, 10_000, 200), Side(seed + 1000, 10_000, 200), Policy);

            Assert.True(verdict.Outcome == CanaryOutcome.Pass, $"seed {seed}: {verdict.Summary}");
            Assert.Equal([CanaryChecks.Duration, CanaryChecks.FailureRate, CanaryChecks.ExceptionRate], verdict.Checks.Select(c => c.Metric));
            Assert.StartsWith("Pass:", verdict.Summary, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Judge_CanaryDurationsShiftedUpByAThird_FailsOnDuration()
    {
        var verdict = CanaryJudge.Judge(Side(1, 1000, 200), Side(2, 1000, 266), Policy);

        Assert.Equal(CanaryOutcome.Fail, verdict.Outcome);
        var duration = Check(verdict, CanaryChecks.Duration);
        Assert.Equal(CanaryOutcome.Fail, duration.Outcome);
        Assert.True(duration.PValue < 1e-6, $"p = {duration.PValue}");
        Assert.InRange(duration.Canary!.Value / duration.Baseline!.Value, 1.2, 1.45);
        Assert.StartsWith("Requests are slower on the canary: median", duration.Reason, StringComparison.Ordinal);
        Assert.Contains(duration.Reason, verdict.Summary, StringComparison.Ordinal);
        Assert.Equal(CanaryOutcome.Pass, Check(verdict, CanaryChecks.FailureRate).Outcome);
    }

    [Fact]
    public void Judge_CanaryFaster_PassesTheOneSidedTest()
    {
        var verdict = CanaryJudge.Judge(Side(3, 1000, 200), Side(4, 1000, 120), Policy);

        var duration = Check(verdict, CanaryChecks.Duration);
        Assert.Equal(CanaryOutcome.Pass, duration.Outcome);
        Assert.True(duration.PValue > 0.99, $"p = {duration.PValue}");
    }

    [Fact]
    public void Duration_TinyShiftThatHugeSamplesMakeSignificant_PassesWithinTheTolerance()
    {
        var check = CanaryJudge.Duration(Side(5, 5000, 200, sigma: 0.3), Side(6, 5000, 206, sigma: 0.3), Policy);

        Assert.True(check.PValue < Policy.Alpha, $"the 3 % shift should be significant with 5000 a side: p = {check.PValue}");
        Assert.Equal(CanaryOutcome.Pass, check.Outcome);
        Assert.StartsWith("Requests are slightly slower on the canary", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Duration_SameShiftWithAZeroTolerance_Fails()
    {
        var check = CanaryJudge.Duration(Side(5, 5000, 200, sigma: 0.3), Side(6, 5000, 206, sigma: 0.3), Policy with { MaxDurationIncreasePercent = 0 });

        Assert.Equal(CanaryOutcome.Fail, check.Outcome);
    }

    [Fact]
    public void Judge_CanaryFailingFourTimesAsOften_FailsOnFailureRate()
    {
        var verdict = CanaryJudge.Judge(Side(7, 10_000, 200, failureRate: 0.01), Side(8, 10_000, 200, failureRate: 0.04), Policy);

        Assert.Equal(CanaryOutcome.Fail, verdict.Outcome);
        var failures = Check(verdict, CanaryChecks.FailureRate);
        Assert.Equal(CanaryOutcome.Fail, failures.Outcome);
        Assert.InRange(failures.Canary!.Value - failures.Baseline!.Value, 2.5, 3.5);
        Assert.True(failures.PValue < 1e-10, $"p = {failures.PValue}");
        Assert.Equal(CanaryOutcome.Pass, Check(verdict, CanaryChecks.Duration).Outcome);
    }

    [Fact]
    public void FailureRate_SignificantRiseOfHalfAPoint_PassesWithinTheOnePointTolerance()
    {
        var check = CanaryJudge.FailureRate(new([], 100_000, 1_000, 0), new([], 100_000, 1_500, 0), Policy);

        Assert.True(check.PValue < 1e-6, $"p = {check.PValue}");
        Assert.Equal((1d, 1.5d, CanaryOutcome.Pass), (check.Baseline!.Value, check.Canary!.Value, check.Outcome));
    }

    [Fact]
    public void FailureRate_KnownCounts_SayWhyInOnePlainLine()
    {
        var check = CanaryJudge.FailureRate(new([], 100, 10, 0), new([], 100, 20, 0), Policy);

        Assert.Equal(CanaryOutcome.Fail, check.Outcome);
        Assert.Equal("The canary's failure rate is higher: 20% failed requests against 10% (+10 points, tolerance +1), p = 0.0238, below alpha 0.05.", check.Reason);
    }

    [Fact]
    public void Duration_TinyPValue_IsWrittenAsBelowTheLastDecimal()
    {
        var check = CanaryJudge.Duration(new([100, 101, 102, .. Enumerable.Repeat(100d, 60)], 63, 0, 0), new([.. Enumerable.Repeat(300d, 63)], 63, 0, 0), Policy);

        Assert.Equal("Requests are slower on the canary: median 300 ms against 100 ms (+200 %, tolerance +10 %), p < 0.0001, below alpha 0.05.", check.Reason);
    }

    [Fact]
    public void ExceptionRate_CanaryThrowingThreeTimesAsOften_Fails()
    {
        var check = CanaryJudge.ExceptionRate(Side(9, 5000, 200, exceptionsPerRequest: 0.02), Side(10, 5000, 200, exceptionsPerRequest: 0.06), Policy);

        Assert.Equal(CanaryOutcome.Fail, check.Outcome);
        Assert.InRange(check.Canary!.Value - check.Baseline!.Value, 3, 5);
    }

    [Fact]
    public void ExceptionRate_MoreExceptionsThanRequests_IsARateNotAProportion()
    {
        var check = CanaryJudge.ExceptionRate(new([], 100, 0, 150), new([], 100, 0, 160), Policy);

        Assert.Equal(CanaryOutcome.Pass, check.Outcome);
        Assert.Equal((150d, 160d), (check.Baseline!.Value, check.Canary!.Value));
        Assert.InRange(check.PValue!.Value, 0.2, 0.5);
    }

    [Fact]
    public void Judge_FewerRequestsThanMinSamples_IsInconclusiveOnEveryCheck()
    {
        var verdict = CanaryJudge.Judge(Side(11, 1000, 200), Side(12, 49, 400, failureRate: 0.5), Policy);

        Assert.Equal(CanaryOutcome.Inconclusive, verdict.Outcome);
        Assert.All(verdict.Checks, c => Assert.Equal(CanaryOutcome.Inconclusive, c.Outcome));
        Assert.All(verdict.Checks, c => Assert.Null(c.PValue));
        Assert.StartsWith("Inconclusive, not a pass:", verdict.Summary, StringComparison.Ordinal);
        Assert.Contains("canary 49, at least 50 each needed", verdict.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_EnoughRequestsButNoDurations_IsInconclusiveNotPass()
    {
        var verdict = CanaryJudge.Judge(new([], 1000, 10, 10), new([], 1000, 10, 10), Policy);

        Assert.Equal(CanaryOutcome.Inconclusive, verdict.Outcome);
        Assert.Equal(CanaryOutcome.Inconclusive, Check(verdict, CanaryChecks.Duration).Outcome);
        Assert.Equal(CanaryOutcome.Pass, Check(verdict, CanaryChecks.FailureRate).Outcome);
    }

    [Fact]
    public void Judge_OneCheckFailsAnotherInconclusive_FailWins()
    {
        var verdict = CanaryJudge.Judge(new([], 1000, 10, 0), new([], 1000, 200, 0), Policy);

        Assert.Equal(CanaryOutcome.Fail, verdict.Outcome);
        Assert.Equal(CanaryOutcome.Inconclusive, Check(verdict, CanaryChecks.Duration).Outcome);
    }

    [Fact]
    public void FailureRate_MoreFailuresThanRequests_IsInconclusive()
    {
        var check = CanaryJudge.FailureRate(new([], 100, 101, 0), new([], 100, 1, 0), Policy);

        Assert.Equal(CanaryOutcome.Inconclusive, check.Outcome);
    }

    [Fact]
    public void Verdict_NoData_IsInconclusiveWithoutChecks()
    {
        var verdict = CanaryVerdict.NoData("no request reached the canary.");

        Assert.Equal((CanaryOutcome.Inconclusive, 0), (verdict.Outcome, verdict.Checks.Count));
        Assert.Equal("Inconclusive, not a pass: no request reached the canary.", verdict.Summary);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Verdict_JsonRoundTrip_KeepsEveryField(bool web)
    {
        var verdict = CanaryJudge.Judge(Side(1, 200, 200), Side(2, 200, 300), Policy);
        var options = web ? new JsonSerializerOptions(JsonSerializerDefaults.Web) : JsonSerializerOptions.Default;

        var back = JsonSerializer.Deserialize<CanaryVerdict>(JsonSerializer.Serialize(verdict, options), options)!;

        Assert.Equal((verdict.Outcome, verdict.Summary), (back.Outcome, back.Summary));
        Assert.Equal(verdict.Checks, back.Checks);
    }

    /// <summary>Requests per signed-in user, from a Poisson of the given mean (at least one each: a user made a request).</summary>
    private static double[] Users(int seed, int users, double meanActions) =>
        [.. new Poisson(meanActions, new Random(seed)).Samples().Take(users).Select(n => (double)Math.Max(1, n))];

    [Fact]
    public void Throughput_CanaryCarryingItsShare_PassesAndOneLosingItsTrafficFails()
    {
        // A 10 % canary: 1,000 of 10,000 requests is its share; 600 of 9,600 is 6.25 %, below 10 % less 20 % of it (8 %).
        var baseline = Side(1, 9_000, 200);
        var even = CanaryJudge.Judge(baseline, Side(2, 1_000, 200), Policy, 0.10);
        var starved = CanaryJudge.Judge(baseline, Side(3, 600, 200), Policy, 0.10);
        var slightlyLow = CanaryJudge.Throughput(Side(4, 90_000, 200, sigma: 0.1) with { DurationsMs = [] }, new CanarySample([], 9_400, 0, 0), Policy, 0.10);

        Assert.Equal(CanaryOutcome.Pass, Check(even, CanaryChecks.Throughput).Outcome);
        var shortfall = Check(starved, CanaryChecks.Throughput);
        Assert.Equal((CanaryOutcome.Fail, CanaryOutcome.Fail), (shortfall.Outcome, starved.Outcome));
        Assert.True(shortfall.PValue < 1e-6, $"p = {shortfall.PValue}");
        Assert.StartsWith("The canary serves less than its share: the canary served 6.25 % of 9600 requests against the 10 % its step carries", shortfall.Reason, StringComparison.Ordinal);
        // 9,400 of 99,400 (9.46 %) is significantly short of 10 % but within the tolerance (8 %).
        Assert.Equal(CanaryOutcome.Pass, slightlyLow.Outcome);
        Assert.True(slightlyLow.PValue < Policy.Alpha, $"p = {slightlyLow.PValue}");
        // An idle slot carries no share: no throughput check.
        Assert.DoesNotContain(CanaryJudge.Judge(baseline, Side(2, 1_000, 200), Policy).Checks, c => c.Metric == CanaryChecks.Throughput);
    }

    [Fact]
    public void UserActivity_CanaryUsersDoingAThirdLess_FailsAndEqualUsersPass()
    {
        var baseline = Side(1, 5_000, 200) with { UserActions = Users(1, 800, 6) };
        var equal = CanaryJudge.Judge(baseline, Side(2, 5_000, 200) with { UserActions = Users(2, 800, 6) }, Policy);
        var less = CanaryJudge.Judge(baseline, Side(3, 5_000, 200) with { UserActions = Users(3, 800, 4) }, Policy);
        var fewUsers = CanaryJudge.Judge(baseline, Side(4, 5_000, 200) with { UserActions = Users(4, 10, 6) }, Policy);
        var noUsers = CanaryJudge.Judge(Side(1, 5_000, 200), Side(2, 5_000, 200), Policy);

        Assert.Equal((CanaryOutcome.Pass, CanaryOutcome.Pass), (Check(equal, CanaryChecks.UserActivity).Outcome, equal.Outcome));
        var drop = Check(less, CanaryChecks.UserActivity);
        Assert.Equal(CanaryOutcome.Fail, drop.Outcome);
        Assert.Equal((6.0, 4.0), (drop.Baseline!.Value, drop.Canary!.Value));
        Assert.StartsWith("The canary's users do less: median 4 requests a user against 6 (tolerance -20 %)", drop.Reason, StringComparison.Ordinal);
        Assert.Equal(CanaryOutcome.Inconclusive, Check(fewUsers, CanaryChecks.UserActivity).Outcome);
        // An application that records no users is not judged on them (and not made inconclusive by them).
        Assert.DoesNotContain(noUsers.Checks, c => c.Metric == CanaryChecks.UserActivity);
    }
}
