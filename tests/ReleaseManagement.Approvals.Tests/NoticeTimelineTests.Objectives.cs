using System.Net;
using System.Net.Http.Json;

namespace ReleaseManagement.Approvals.Tests;

/// <summary>Issue 27, point 2: the hotfix's business objective, attested over HTTP once the release is completed.</summary>
public sealed partial class NoticeTimelineTests
{
    /// <summary>
    /// Before the attestation the objective waits for it; a person without its role is refused (403), its holder's attestation
    /// is recorded and shown, in the audit trail too, and a second one is refused (409): the first stands.
    /// </summary>
    private static async Task ObjectivesOverHttpAsync(HttpClient client, string id)
    {
        var waiting = (await GetAsync(client, $"/api/releases/{id}/objectives"))["objectives"]!.AsArray().Single()!;
        Assert.Equal(("renewal-verified", "waiting for attestation"), ((string?)waiting["id"], (string?)waiting["state"]));

        Assert.Equal(HttpStatusCode.Forbidden, await AttestObjectiveAsync(client, id, "lead@example.com", met: true));
        Assert.Equal(HttpStatusCode.OK, await AttestObjectiveAsync(client, id, "po@example.com", met: true));
        Assert.Equal(HttpStatusCode.Conflict, await AttestObjectiveAsync(client, id, "po@example.com", met: false));

        var objective = (await GetAsync(client, $"/api/releases/{id}/objectives"))["objectives"]!.AsArray().Single()!;
        Assert.Equal("met", (string?)objective["state"]);
        var verdict = objective["verdicts"]!.AsArray().Single()!;
        Assert.Equal(("attestation", "po@example.com"), ((string?)verdict["checkpoint"], (string?)verdict["by"]));
        Assert.Contains("Met, attested by po@example.com (product-owner): Partners confirmed", (string?)verdict["reason"], StringComparison.Ordinal);
        var audit = (await GetAsync(client, $"/api/releases/{id}/audit"))["entries"]!.AsArray();
        Assert.Single(audit, r => (string?)r!["action"] == "objective");
    }

    private static async Task<HttpStatusCode> AttestObjectiveAsync(HttpClient client, string id, string by, bool met)
    {
        using var response = await client.PostAsJsonAsync($"/api/releases/{id}/objectives/renewal-verified", new { met, by, note = "Partners confirmed" }, Ct);
        return response.StatusCode;
    }
}
