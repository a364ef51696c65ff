using Microsoft.AspNetCore.Http;

namespace ReleaseManagement.Api.Tests;

/// <summary>What every steering route does with a request it cannot act on: a problem response, and nothing raised or stored.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private ApiHarness _h = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _h = await ApiHarness.StartAsync();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    /// <summary>Each route with a body that is valid for it.</summary>
    public static TheoryData<string, string> Routes() => new()
    {
        { "cancel", """{ "reason": "x", "by": "rm@example.com" }""" },
        { "reschedule", $$"""{ "targetDate": "{{ReleaseFunctions.TestSupport.ValidRelease.TargetDate()}}", "by": "rm@example.com" }""" },
        { "milestone", """{ "by": "lead@example.com" }""" },
        { "evidence", """{ "item": "unit-tests", "kind": "evidence", "by": "ci@example.com", "passed": true }""" },
    };

    private Func<HttpRequest, Task<IResult>> Route(string route, string id) => route switch
    {
        "cancel" => async r => await _h.Cancel.CancelAsync(id, r, _h.Client, Ct),
        "reschedule" => async r => await _h.Reschedule.RescheduleAsync(id, r, _h.Client, Ct),
        "milestone" => async r => await _h.Milestones.MilestoneAsync(id, "code-freeze", r, _h.Client, Ct),
        _ => async r => await _h.Evidence.EvidenceAsync(id, r, _h.Client, Ct),
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task UnknownRelease_Is404(string route, string body)
    {
        var answer = await _h.CallAsync(Route(route, ApiHarness.NewId("nobody")), body);

        Assert.Equal(404, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal("No such release.", answer.Str("title"));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task InvalidReleaseId_Is404WithoutALookup(string route, string body)
    {
        var answer = await _h.CallAsync(Route(route, "../etc"), body);

        Assert.Equal(404, answer.Status);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task BodyThatIsNotJson_Is400AndRaisesNothing(string route, string body)
    {
        _ = body;
        var id = await _h.StartReleaseAsync();

        var malformed = await _h.CallAsync(Route(route, id), "{ not json");
        var empty = await _h.CallAsync(Route(route, id));

        Assert.Equal((400, 400), (malformed.Status, empty.Status));
        Assert.Equal("application/problem+json", malformed.ContentType);
        Assert.Empty(await _h.Events.ListByReleaseAsync(id, Ct));
        Assert.Empty(await _h.ReceivedAsync(id));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task ValidBody_IsRaisedExactlyOnce(string route, string body)
    {
        var id = await _h.StartReleaseAsync();

        var answer = await _h.CallAsync(Route(route, id), body);

        Assert.True(answer.Status == 202, answer.ToString());
        Assert.Single(await _h.ReceivedAsync(id));
    }
}
