using System.Globalization;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Events;

namespace ReleaseManagement.Api.Tests;

public sealed class CancelAndRescheduleTests : IAsyncLifetime
{
    private ApiHarness _h = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _h = await ApiHarness.StartAsync();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    private Task<Answer> CancelAsync(string id, string json) => _h.CallAsync(r => _h.Cancel.CancelAsync(id, r, _h.Client, Ct), json);

    private Task<Answer> RescheduleAsync(string id, string json) => _h.CallAsync(r => _h.Reschedule.RescheduleAsync(id, r, _h.Client, Ct), json, method: "PATCH");

    /// <summary>A date for a Minor release the policy allows (in horizon, a Tuesday or Thursday window day) other than <paramref name="not"/>.</summary>
    private static string AnotherWindowDay(string not)
    {
        var date = DateOnly.ParseExact(not, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(2); // Tuesday + 2 = Thursday
        return date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Cancel_RunningRelease_Is202AndRaisesOneCancelRequestStampedByTheClock()
    {
        var id = await _h.StartReleaseAsync();
        _h.Time.Advance(TimeSpan.FromMinutes(7));

        var answer = await CancelAsync(id, """{ "reason": "  Customer withdrew the feature  ", "by": "rm@example.com" }""");

        Assert.Equal(202, answer.Status);
        Assert.Equal($"/api/releases/{id}", answer.Headers.Location.ToString());
        Assert.Equal(id, answer.Str("releaseId"));
        var received = Assert.Single(await _h.ReceivedAsync(id));
        Assert.Equal(ReleaseEventNames.Cancel, received.Name);
        Assert.Equal("Customer withdrew the feature", received.Cancel!.Reason);
        Assert.Equal("rm@example.com", received.Cancel.By);
        Assert.Equal(_h.Time.GetUtcNow(), received.Cancel.At);
    }

    [Fact]
    public async Task Cancel_MissingReasonAndBadBy_Is400NamingBothAndRaisesNothing()
    {
        var id = await _h.StartReleaseAsync();

        var answer = await CancelAsync(id, """{ "reason": "   ", "by": "not an email" }""");

        Assert.Equal(400, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal(["reason", "by"], answer.ErrorFields);
        Assert.Empty(await _h.ReceivedAsync(id));
    }

    [Fact]
    public async Task Cancel_UnknownRelease_Is404()
    {
        var answer = await CancelAsync(ApiHarness.NewId("none"), """{ "reason": "x", "by": "rm@example.com" }""");

        Assert.Equal(404, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
    }

    [Fact]
    public async Task Cancel_ReleaseWhoseOrchestrationEnded_Is409AndRaisesNothing()
    {
        var id = await _h.StartReleaseAsync();
        await _h.EndAsync(id);

        var answer = await CancelAsync(id, """{ "reason": "too late", "by": "rm@example.com" }""");

        Assert.Equal(409, answer.Status);
        Assert.Equal("The release is not running.", answer.Str("title"));
        var history = await _h.Client.GetInstanceAsync(id, getInputsAndOutputs: true, Ct);
        Assert.Empty(history!.ReadOutputAs<List<Received>>()!);
    }

    [Fact]
    public async Task Cancel_StoredReleaseWithoutOrchestration_Is409()
    {
        var id = ApiHarness.NewId("orphan");
        var now = _h.Time.GetUtcNow();
        var request = new Releases.ReleaseRequest(id, "Orphan", Releases.ReleaseType.Minor, [_h.System], DateOnly.FromDateTime(now.UtcDateTime.AddDays(40)));
        Assert.True(await _h.Store.TryCreateAsync(new Releases.ReleaseRecord(request, now, Releases.ReleasePhase.Submitted, Releases.ReleaseStatus.Active, "Submitted.", now), Ct));

        var answer = await CancelAsync(id, """{ "reason": "x", "by": "rm@example.com" }""");

        Assert.Equal(409, answer.Status);
        Assert.Contains("no running orchestration", answer.Str("detail"));
    }

    [Fact]
    public async Task Reschedule_DateThePolicyAllows_Is202AndRaisesOneRescheduleRequest()
    {
        var original = ValidRelease.TargetDate();
        var id = await _h.StartReleaseAsync(targetDate: original);
        var moved = AnotherWindowDay(original);

        var answer = await RescheduleAsync(id, $$"""{ "targetDate": "{{moved}}", "by": "rm@example.com", "reason": "Vendor slipped" }""");

        Assert.Equal(202, answer.Status);
        Assert.Equal(moved, answer.Str("targetDate"));
        Assert.Equal(original, answer.Str("previousTargetDate"));
        var received = Assert.Single(await _h.ReceivedAsync(id));
        Assert.Equal(ReleaseEventNames.Reschedule, received.Name);
        Assert.Equal(DateOnly.ParseExact(moved, "yyyy-MM-dd", CultureInfo.InvariantCulture), received.Reschedule!.TargetDate);
        Assert.Equal("rm@example.com", received.Reschedule.By);
        Assert.Equal("Vendor slipped", received.Reschedule.Reason);
        Assert.Equal(_h.Time.GetUtcNow(), received.Reschedule.At);
    }

    [Fact]
    public async Task Reschedule_DayWithoutWindow_Is400WithThePolicyReasonAndRaisesNothing()
    {
        var original = ValidRelease.TargetDate();
        var id = await _h.StartReleaseAsync(targetDate: original);
        var wednesday = DateOnly.ParseExact(original, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var answer = await RescheduleAsync(id, $$"""{ "targetDate": "{{wednesday}}", "by": "rm@example.com" }""");

        Assert.Equal(400, answer.Status);
        Assert.Equal("The new target date does not meet the release policy.", answer.Str("title"));
        Assert.Contains(answer.Errors("targetDate"), m => m.Contains("has no open production release window", StringComparison.Ordinal));
        Assert.Empty(await _h.ReceivedAsync(id));
    }

    [Fact]
    public async Task Reschedule_InsideTheMinimumLeadTime_Is400MeasuredFromNow()
    {
        var id = await _h.StartReleaseAsync();
        var tooSoon = ValidRelease.TargetDate(minDays: 3); // a Tuesday 3 to 9 days away; a Minor release needs 30

        var answer = await RescheduleAsync(id, $$"""{ "targetDate": "{{tooSoon}}", "by": "rm@example.com" }""");

        Assert.Equal(400, answer.Status);
        Assert.Contains(answer.Errors("targetDate"), m => m.StartsWith("A Minor release must be planned at least 30 days ahead", StringComparison.Ordinal));
        Assert.Empty(await _h.ReceivedAsync(id));
    }

    [Theory]
    [InlineData("""{ "by": "rm@example.com" }""", "targetDate")]
    [InlineData("""{ "targetDate": "12/01/2030", "by": "rm@example.com" }""", "targetDate")]
    [InlineData("""{ "targetDate": "2030-02-30", "by": "rm@example.com" }""", "targetDate")]
    [InlineData("""{ "targetDate": "2030-01-01" }""", "by")]
    public async Task Reschedule_MalformedBody_Is400NamingTheField(string json, string field)
    {
        var id = await _h.StartReleaseAsync();

        var answer = await RescheduleAsync(id, json);

        Assert.Equal(400, answer.Status);
        Assert.Equal([field], answer.ErrorFields);
        Assert.Empty(await _h.ReceivedAsync(id));
    }

    [Fact]
    public async Task Reschedule_EndedRelease_Is409()
    {
        var original = ValidRelease.TargetDate();
        var id = await _h.StartReleaseAsync(targetDate: original);
        await _h.EndAsync(id);

        var answer = await RescheduleAsync(id, $$"""{ "targetDate": "{{AnotherWindowDay(original)}}", "by": "rm@example.com" }""");

        Assert.Equal(409, answer.Status);
    }
}
