using ReleaseManagement.Events;

namespace ReleaseManagement.Api.Tests;

/// <summary>Evidence names the environment it is about (issue 13, point 3): <c>environment</c> of <c>POST /api/releases/{id}/evidence</c>.</summary>
public sealed class EvidenceEnvironmentTests : IAsyncLifetime
{
    private ApiHarness _h = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _h = await ApiHarness.StartAsync();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    private Task<Answer> EvidenceAsync(string id, string json) => _h.CallAsync(r => _h.Evidence.EvidenceAsync(id, r, _h.Client, Ct), json);

    [Fact]
    public async Task Evidence_WithAnEnvironment_IsRaisedAboutThatEnvironmentStampedByTheClock()
    {
        var id = await _h.StartReleaseAsync();

        var answer = await EvidenceAsync(id, """{ "item": "backup", "kind": "evidence", "by": "ops@example.com", "passed": true, "environment": "Production" }""");

        Assert.Equal(202, answer.Status);
        var raised = Assert.Single(await _h.ReceivedAsync(id)).Pipeline!;
        Assert.Equal(("production", CanonicalEventType.GateEvidence, _h.Time.GetUtcNow()), (raised.Environment, raised.Type, raised.OccurredAt));
    }

    [Fact]
    public async Task Evidence_UnknownEnvironmentOrOnAWaiver_Is400NamingTheFieldAndRaisesNothing()
    {
        var id = await _h.StartReleaseAsync();

        var unknown = await EvidenceAsync(id, """{ "item": "backup", "kind": "evidence", "by": "ops@example.com", "passed": true, "environment": "prod-eu" }""");
        var onWaiver = await EvidenceAsync(id, """{ "item": "backup", "kind": "waiver", "by": "rm@example.com", "reason": "Snapshot", "environment": "production" }""");

        Assert.Equal(400, unknown.Status);
        Assert.Equal(["environment"], unknown.ErrorFields);
        Assert.Equal(400, onWaiver.Status);
        Assert.Equal(["environment"], onWaiver.ErrorFields);
        await _h.EndAsync(id);
    }
}
