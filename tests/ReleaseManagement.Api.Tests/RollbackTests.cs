using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Tests;

/// <summary><c>POST /api/releases/{id}/rollback</c> through its handler on the real composition (issue 13, point 4).</summary>
public sealed class RollbackTests : IAsyncLifetime
{
    private ApiHarness _h = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _h = await ApiHarness.StartAsync();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    private Task<Answer> RollbackAsync(string id, string json) => _h.CallAsync(r => _h.Rollback.RollbackAsync(id, r, _h.Client, Ct), json);

    /// <summary>Stores a pipeline's deployment report for the release, as the event processor does.</summary>
    private async Task DeployedAsync(string id, string environment, CanonicalEventType type = CanonicalEventType.ServiceDeployed)
    {
        var at = _h.Time.GetUtcNow();
        var evt = new CanonicalEvent($"test:{Guid.NewGuid():N}", "test", type, at, id, "Billing", environment, EventOutcomes.Success, new Dictionary<string, string>());
        await _h.Events.AddAsync(evt, at, Ct);
        await _h.Events.MarkProcessedAsync(evt, EventDelivery.Raised, at, Ct);
        _h.Time.Advance(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Rollback_ByAReleaseManagerOfTheDeployedEnvironment_Is202AndRaisesOneRollbackOfIt()
    {
        var id = await _h.StartReleaseAsync();
        await DeployedAsync(id, "integration");
        await DeployedAsync(id, "staging");

        var answer = await RollbackAsync(id, """{ "by": "rm@example.com", "reason": "Wrong build in staging" }""");

        Assert.Equal(202, answer.Status);
        Assert.Equal("staging", answer.Str("environment"));
        Assert.Equal($"/api/releases/{id}", answer.Headers.Location.ToString());
        var received = Assert.Single(await _h.ReceivedAsync(id));
        Assert.Equal(ReleaseEventNames.Rollback, received.Name);
        Assert.Equal((DeploymentEnvironment.Staging, "rm@example.com", "Wrong build in staging"), (received.Rollback!.Environment, received.Rollback.By, received.Rollback.Reason));
        var audit = await _h.CallAsync(r => _h.Services.GetRequiredService<AuditHandlers>().GetAsync(id, r, Ct), method: "GET");
        var row = audit.Body!["entries"]!.AsArray().Last()!;
        Assert.Equal(("rollback", "rm@example.com", "api"), ((string?)row["action"], (string?)row["by"], (string?)row["channel"]));
        Assert.Equal(("staging", "Wrong build in staging"), ((string?)row["data"]!["environment"], (string?)row["data"]!["reason"]));
        Assert.True((bool)audit.Body!["verified"]!);
    }

    [Fact]
    public async Task Rollback_ByAPersonWithoutTheReleaseManagerRole_Is403AndRaisesNothing()
    {
        var id = await _h.StartReleaseAsync();
        await DeployedAsync(id, "integration");

        var answer = await RollbackAsync(id, """{ "by": "qa@example.com", "reason": "I think it is broken" }""");

        Assert.Equal((403, "application/problem+json"), (answer.Status, answer.ContentType));
        Assert.Contains("release-manager", answer.Str("detail"));
        var audit = await _h.CallAsync(r => _h.Services.GetRequiredService<AuditHandlers>().GetAsync(id, r, Ct), method: "GET");
        Assert.DoesNotContain(audit.Body!["entries"]!.AsArray(), e => (string?)e!["action"] == "rollback");
        await _h.EndAsync(id);
    }

    [Fact]
    public async Task Rollback_WithNothingDeployed_Is409AndRaisesNothing()
    {
        var id = await _h.StartReleaseAsync();

        var answer = await RollbackAsync(id, """{ "by": "rm@example.com", "reason": "Just in case" }""");

        Assert.Equal((409, "application/problem+json"), (answer.Status, answer.ContentType));
        Assert.Contains("nothing is deployed yet", answer.Str("detail"));
        await _h.EndAsync(id);
    }

    [Fact]
    public async Task Rollback_OfAnEnvironmentRolledBackAlready_Is409()
    {
        var id = await _h.StartReleaseAsync();
        await DeployedAsync(id, "integration");
        await DeployedAsync(id, "integration", CanonicalEventType.ServiceRolledBack);

        var answer = await RollbackAsync(id, """{ "by": "rm@example.com", "reason": "Again", "environment": "integration" }""");

        Assert.Equal(409, answer.Status);
        await _h.EndAsync(id);
    }

    [Fact]
    public async Task Rollback_BadFields_Is400NamingEach()
    {
        var id = await _h.StartReleaseAsync();

        var answer = await RollbackAsync(id, """{ "by": "nobody", "reason": " ", "environment": "development" }""");

        Assert.Equal((400, "application/problem+json"), (answer.Status, answer.ContentType));
        Assert.Equal(["by", "reason", "environment"], answer.ErrorFields);
        await _h.EndAsync(id);
    }

    [Fact]
    public async Task Rollback_UnknownRelease_Is404()
    {
        var answer = await RollbackAsync("nobody-here", """{ "by": "rm@example.com", "reason": "x" }""");

        Assert.Equal((404, "application/problem+json"), (answer.Status, answer.ContentType));
    }

    [Fact]
    public async Task Rollback_WithSignInRequired_AnotherSignedInUserIs403()
    {
        await using var h = await ApiHarness.StartAsync(requireSignedIn: true);
        var id = await h.StartReleaseAsync();

        var answer = await h.CallAsync(r => h.Rollback.RollbackAsync(id, r, h.Client, Ct), """{ "by": "rm@example.com", "reason": "x" }""", principal: "qa@example.com");

        Assert.Equal(403, answer.Status);
        // Refused by the actor rule (docs/security.md) as the body is read, before the release manager check.
        Assert.Equal("Not the signed-in person.", answer.Str("title"));
        Assert.Contains("'by' names rm@example.com, but the signed-in user is qa@example.com", answer.Str("detail"), StringComparison.Ordinal);
        await h.EndAsync(id);
    }
}
