using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Tests;

/// <summary>
/// Issue 24, point 1: roles also come from the signed-in person's claims (<c>access.roleClaims</c>: an Entra ID app-role
/// value or a group object id to a role), for the controls the API judges alone: a rollback (release manager) and reading
/// the audit trail (auditor). A claim the policy does not map grants nothing, and a name in a body grants nothing by itself.
/// </summary>
public sealed class RoleClaimsApiTests : IAsyncLifetime
{
    private const string AuditorsGroup = "5e1a0c2d-0000-4000-8000-0000000000aa";

    private ApiHarness _h = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var policy = ReleasePolicyDefaults.Create();
        policy = policy with
        {
            Access = policy.Access with
            {
                RoleClaims = new Dictionary<string, IReadOnlyList<string>>
                {
                    [PolicyRoles.ReleaseManager] = ["Release.Manager"],
                    [PolicyRoles.Auditor] = [AuditorsGroup],
                },
            },
        };
        _h = await ApiHarness.StartAsync(policy, requireSignedIn: true);
    }

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    /// <summary>An App Service principal for <paramref name="email"/> with app-role and group claims.</summary>
    private static string Principal(string email, string[] roles, string[] groups) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            auth_typ = "aad",
            name_typ = "preferred_username",
            role_typ = "roles",
            claims = new[] { new { typ = "preferred_username", val = email } }
                .Concat(roles.Select(r => new { typ = "roles", val = r }))
                .Concat(groups.Select(g => new { typ = "groups", val = g })),
        })));

    private async Task DeployedAsync(string id, string environment)
    {
        var at = _h.Time.GetUtcNow();
        var evt = new CanonicalEvent($"test:{Guid.NewGuid():N}", "test", CanonicalEventType.ServiceDeployed, at, id, "Billing", environment, EventOutcomes.Success, new Dictionary<string, string>());
        await _h.Events.AddAsync(evt, at, Ct);
        await _h.Events.MarkProcessedAsync(evt, EventDelivery.Raised, at, Ct);
        _h.Time.Advance(TimeSpan.FromMinutes(1));
    }

    private Task<Answer> RollbackAsync(string id, string header) =>
        _h.CallAsync(r => _h.Rollback.RollbackAsync(id, r, _h.Client, Ct), """{ "reason": "Wrong build in integration" }""", principalHeader: header);

    private Task<Answer> AuditAsync(string id, string header) =>
        _h.CallAsync(r => _h.Services.GetRequiredService<AuditHandlers>().GetAsync(id, r, Ct), method: "GET", principalHeader: header);

    [Fact]
    public async Task Rollback_BySomeoneOutsideTheDirectoryWithTheMappedAppRole_Is202()
    {
        var id = await _h.StartReleaseAsync();
        await DeployedAsync(id, "integration");

        var answer = await RollbackAsync(id, Principal("oncall@example.com", ["Release.Manager"], []));

        Assert.True(answer.Status == 202, answer.ToString());
        var received = Assert.Single(await _h.ReceivedAsync(id));
        Assert.Equal("oncall@example.com", received.Rollback!.By);
    }

    [Fact]
    public async Task Rollback_WithAnUnmappedAppRole_Is403AndRaisesNothing()
    {
        var id = await _h.StartReleaseAsync();
        await DeployedAsync(id, "integration");

        var answer = await RollbackAsync(id, Principal("oncall@example.com", ["Release.Reader", AuditorsGroup], []));

        Assert.Equal((403, "application/problem+json"), (answer.Status, answer.ContentType));
        Assert.Contains("release-manager", answer.Str("detail"), StringComparison.Ordinal);
        Assert.Empty(await _h.ReceivedAsync(id));
    }

    [Fact]
    public async Task AuditTrail_ReadByAMemberOfTheMappedGroup_Is200_WithoutTheGroup403()
    {
        var id = await _h.StartReleaseAsync();

        var member = await AuditAsync(id, Principal("auditor@example.com", [], [AuditorsGroup]));
        var outsider = await AuditAsync(id, Principal("auditor@example.com", [], ["another-group"]));

        Assert.True(member.Status == 200, member.ToString());
        Assert.Equal((403, "application/problem+json"), (outsider.Status, outsider.ContentType));
        await _h.EndAsync(id);
    }
}
