using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Auth;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Tests;

/// <summary>
/// Issue 24: the actor of an action is the signed-in person (<see cref="Actor"/>), the routes that need no sign-in
/// (<see cref="AnonymousRoutes"/>), and approvers that only narrow the policy's directory (section 2).
/// </summary>
public sealed class IdentityAndDirectoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpRequest RequestAs(string? person)
    {
        var context = new DefaultHttpContext();
        if (person is not null)
        {
            context.Request.Headers[AppServicePrincipal.Header] = AppServicePrincipal.Encode(person);
        }

        return context.Request;
    }

    [Theory]
    [InlineData(null, "rm@example.com", "rm@example.com")] // no principal (Development): the body names the actor
    [InlineData(null, null, null)]
    [InlineData("rm@example.com", null, "rm@example.com")] // left out: filled from the principal
    [InlineData("rm@example.com", "  ", "rm@example.com")]
    [InlineData("RM@Example.com", "rm@example.com", "rm@example.com")] // the same person, any case
    public void Actor_NamedOrAbsent_IsThePerson(string? principal, string? named, string? expected)
    {
        var actor = Actor.Resolve(RequestAs(principal), named, "by", out var refused);

        Assert.Null(refused);
        Assert.Equal(expected, actor);
    }

    [Fact]
    public void Actor_BodyNamesSomeoneElse_Is403NamingTheFieldAndBoth()
    {
        var actor = Actor.Resolve(RequestAs("dev@example.com"), "rm@example.com", "by", out var refused);

        Assert.Null(actor);
        Assert.Equal(StatusCodes.Status403Forbidden, refused!.StatusCode);
        Assert.Contains("'by' names rm@example.com", refused.ProblemDetails.Detail, StringComparison.Ordinal);
        Assert.Contains("dev@example.com", refused.ProblemDetails.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/health", true)]
    [InlineData("/api/health/", true)]
    [InlineData("/API/Health", true)]
    [InlineData("/api/webhooks/github", true)]
    [InlineData("/api/webhooks/azure-devops", true)]
    [InlineData("/api/webhooks/cdevents", true)]
    [InlineData("/api/approvals/abc123", true)]
    [InlineData("/api/approvals", false)]
    [InlineData("/api/approvals/abc/extra", false)]
    [InlineData("/api/webhooks/other", false)]
    [InlineData("/api/releases", false)]
    [InlineData("/api/dashboard", false)]
    [InlineData("/api/dashboard/sign-in", false)]
    [InlineData("/", false)]
    [InlineData("/dev/mailbox", false)]
    [InlineData("/health", false)]
    public void AnonymousRoutes_Path_IsAnonymousOnlyWhenListed(string path, bool anonymous) =>
        Assert.Equal(anonymous, AnonymousRoutes.IsAnonymous(path));

    [Fact]
    public void AnonymousRoutes_ExcludedPaths_AreTheTemplatesUnderApiWithParametersAsWildcards() =>
        Assert.Equal(
            ["/api/webhooks/github", "/api/webhooks/azure-devops", "/api/webhooks/cdevents", "/api/approvals/*", "/api/feedback/*", "/api/health"],
            AnonymousRoutes.ExcludedPaths);

    /// <summary>A request on the harness's own system (its release stays Active in the shared Releases table).</summary>
    private static string Body(ApiHarness h, string id, string approvers = "") =>
        $$"""{ "id": "{{id}}", "title": "Directory {{id}}", "type": "Minor", "systems": ["{{h.System}}"], "targetDate": "{{ValidRelease.TargetDate()}}"{{approvers}} }""";

    private static ReleasePolicy ExampleWith(string role, params string[] people) =>
        ReleasePolicyDefaults.Example() with
        {
            Approvers = ReleasePolicyDefaults.ExamplePeople.ToDictionary(kv => kv.Key, kv => kv.Key == role ? people : kv.Value, StringComparer.Ordinal),
        };

    [Fact]
    public async Task Create_ApproverOutsideTheDirectoryByDefault_Is400NamingTheRoleAndPeopleAndStoresNothing()
    {
        await using var h = await ApiHarness.StartAsync(ReleasePolicyDefaults.Example(), requestMayNameApprovers: false);
        var id = ApiHarness.NewId("dir");

        var answer = await h.CallAsync(
            r => h.Releases.CreateAsync(r, h.Client, Ct),
            Body(h, id, """, "approvers": { "product-owner": ["mallory@example.com", "po@example.com"], "qa-lead": ["eve@example.com"] }"""));

        Assert.Equal(400, answer.Status);
        Assert.Equal(["approvers.product-owner", "approvers.qa-lead"], answer.ErrorFields.Order(StringComparer.Ordinal));
        var productOwner = answer.Errors("approvers.product-owner").Single();
        Assert.StartsWith("mallory@example.com does not hold role 'product-owner' in the policy's directory (po@example.com)", productOwner, StringComparison.Ordinal);
        Assert.Contains("eve@example.com", answer.Errors("approvers.qa-lead").Single(), StringComparison.Ordinal);
        Assert.Null(await h.Store.GetAsync(id, Ct));
    }

    [Fact]
    public async Task Create_PolicyNamingWhoMayRequest_OthersAre403AndNothingIsStoredOrAudited_AHolderIsAccepted()
    {
        var manager = ReleasePolicyDefaults.ExamplePeople[PolicyRoles.ReleaseManager][0];
        var example = ExampleWith(PolicyRoles.ReleaseManager, manager, "rm2@example.com"); // a second one approves the manager's release
        var policy = example with
        {
            Access = example.Access with
            {
                Permissions = new Dictionary<string, ActionPermission>(example.Access.Permissions, StringComparer.Ordinal)
                {
                    [ReleaseActions.Request] = new() { Roles = [PolicyRoles.ReleaseManager] },
                },
            },
        };
        await using var h = await ApiHarness.StartAsync(policy, requireSignedIn: true, requestMayNameApprovers: false);
        var refusedId = ApiHarness.NewId("req");
        var lead = ReleasePolicyDefaults.ExamplePeople[PolicyRoles.TechnicalLead][0];

        var refused = await h.CallAsync(r => h.Releases.CreateAsync(r, h.Client, Ct), Body(h, refusedId), principal: lead);

        Assert.True(refused.Status == 403, refused.ToString());
        Assert.Equal("application/problem+json", refused.ContentType);
        Assert.Contains(lead, refused.Str("detail"), StringComparison.OrdinalIgnoreCase);
        Assert.Null(await h.Store.GetAsync(refusedId, Ct));
        Assert.Empty(await h.Services.GetRequiredService<IAuditTrail>().ReadAsync(refusedId, Ct));
        Assert.Null(await h.Client.GetInstanceAsync(refusedId, Ct));

        var acceptedId = ApiHarness.NewId("req");
        var accepted = await h.CallAsync(r => h.Releases.CreateAsync(r, h.Client, Ct), Body(h, acceptedId), principal: manager);
        Assert.True(accepted.Status == 202, accepted.ToString());
        Assert.Equal(manager, (await h.Store.GetAsync(acceptedId, Ct))!.Request.RequestedBy);
        await h.EndAsync(acceptedId);
    }

    [Fact]
    public async Task Create_ApproversNarrowingTheDirectory_IsAcceptedAndTheyAloneApprove()
    {
        await using var h = await ApiHarness.StartAsync(ExampleWith(PolicyRoles.ProductOwner, "po@example.com", "po2@example.com"), requestMayNameApprovers: false);
        var id = ApiHarness.NewId("dir");

        var answer = await h.CallAsync(r => h.Releases.CreateAsync(r, h.Client, Ct), Body(h, id, """, "approvers": { "product-owner": ["PO2@example.com"] }"""));

        Assert.True(answer.Status == 202, answer.ToString());
        var stored = await h.Store.GetAsync(id, Ct);
        Assert.Equal(["PO2@example.com"], ApproverDirectory.Resolve(h.Policy, stored!.Request.Systems, stored.Request.Approvers)[PolicyRoles.ProductOwner]);
        await h.EndAsync(id);
    }

    [Fact]
    public async Task Create_NoApproversWithTheExampleDirectory_IsAccepted()
    {
        await using var h = await ApiHarness.StartAsync(ReleasePolicyDefaults.Example(), requestMayNameApprovers: false);
        var id = ApiHarness.NewId("dir");

        var answer = await h.CallAsync(r => h.Releases.CreateAsync(r, h.Client, Ct), Body(h, id));

        Assert.True(answer.Status == 202, answer.ToString());
        await h.EndAsync(id);
    }

    [Fact]
    public async Task Create_RequestMayNameApprovers_AcceptsPeopleOutsideTheDirectory()
    {
        await using var h = await ApiHarness.StartAsync(ReleasePolicyDefaults.Example(), requestMayNameApprovers: true);
        var id = ApiHarness.NewId("dir");

        var answer = await h.CallAsync(r => h.Releases.CreateAsync(r, h.Client, Ct), Body(h, id, """, "approvers": { "product-owner": ["mallory@example.com"] }"""));

        Assert.True(answer.Status == 202, answer.ToString());
        await h.EndAsync(id);
    }

    [Fact]
    public async Task Cancel_SignedInPersonOtherThanBy_Is403AndNothingIsRaisedOrAudited()
    {
        await using var h = await ApiHarness.StartAsync();
        var id = await h.StartReleaseAsync();
        var auditBefore = await h.CallAsync(r => h.Services.GetRequiredService<ReleaseManagement.Api.Audit.AuditHandlers>().GetAsync(id, r, Ct), method: "GET");

        var answer = await h.CallAsync(
            r => h.Cancel.CancelAsync(id, r, h.Client, Ct), """{ "reason": "Not mine to cancel", "by": "rm@example.com" }""", principal: "dev@example.com");

        Assert.Equal(403, answer.Status);
        Assert.Equal("Not the signed-in person.", answer.Str("title"));
        var auditAfter = await h.CallAsync(r => h.Services.GetRequiredService<ReleaseManagement.Api.Audit.AuditHandlers>().GetAsync(id, r, Ct), method: "GET");
        Assert.Equal(auditBefore.Body!.ToJsonString(), auditAfter.Body!.ToJsonString());
        await h.EndAsync(id);
    }
}

/// <summary>The App Service principal's app-role and group claims, read for the policy's <c>access.roleClaims</c>.</summary>
public sealed class PrincipalRoleClaimsTests
{
    [Fact]
    public void Parse_RolesAndGroupsClaims_AreItsRoleClaimsAndNotItsIdentities()
    {
        var json = """
            { "auth_typ": "aad", "name_typ": "name", "role_typ": "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
              "claims": [ { "typ": "name", "val": "rm@example.com" },
                          { "typ": "http://schemas.microsoft.com/ws/2008/06/identity/claims/role", "val": "Release.Manager" },
                          { "typ": "groups", "val": "6f1d2c3b-0000-4000-8000-000000000001" } ] }
            """;

        var principal = AppServicePrincipal.Parse(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)))!;

        Assert.Equal(["rm@example.com"], principal.Identities);
        Assert.Equal(["Release.Manager", "6f1d2c3b-0000-4000-8000-000000000001"], principal.RoleClaims);
        Assert.Equal([PolicyRoles.ReleaseManager], new AccessPolicy
        {
            RoleClaims = new Dictionary<string, IReadOnlyList<string>> { [PolicyRoles.ReleaseManager] = ["Release.Manager"] },
        }.RolesFromClaims(principal.RoleClaims));
    }
}
