using System.Text.Json;
using System.Text.Json.Nodes;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Policy.Tests;

/// <summary>The policy's <c>access</c>: requests narrowing the directory (the default) and roles from sign-in claims.</summary>
public sealed class AccessPolicyTests
{
    [Fact]
    public void Defaults_RequestsMayNotNameApproversAndNoClaimGrantsARole()
    {
        var access = ReleasePolicyDefaults.Create().Access;

        Assert.False(access.RequestMayNameApprovers);
        Assert.Empty(access.RoleClaims);
        Assert.Empty(access.RolesFromClaims(["release-managers", "00000000-0000-0000-0000-000000000001"]));
    }

    [Fact]
    public void RolesFromClaims_AppRoleOrGroupId_GrantsTheMappedRolesOnly()
    {
        var access = new AccessPolicy
        {
            RoleClaims = new Dictionary<string, IReadOnlyList<string>>
            {
                [PolicyRoles.ReleaseManager] = ["Release.Manager", "6f1d2c3b-0000-4000-8000-000000000001"],
                [PolicyRoles.Auditor] = ["Audit.Read"],
                [PolicyRoles.QaLead] = ["QA.Lead"],
            },
        };

        Assert.Equal([PolicyRoles.ReleaseManager], access.RolesFromClaims(["6F1D2C3B-0000-4000-8000-000000000001"]));
        Assert.Equal([PolicyRoles.Auditor, PolicyRoles.ReleaseManager], access.RolesFromClaims(["audit.read", " Release.Manager ", "Other"]));
        Assert.Empty(access.RolesFromClaims([]));
    }

    [Fact]
    public void Parse_AccessGiven_ReadsBothAndOmittedDefaults()
    {
        var json = JsonSerializer.SerializeToNode(ReleasePolicyDefaults.Create(), PolicyJson.Options)!.AsObject();
        json["access"] = JsonNode.Parse("""{ "requestMayNameApprovers": true, "roleClaims": { "release-manager": ["Release.Manager"] } }""");

        var given = ReleasePolicyLoader.Parse(json.ToJsonString(), "test");
        json.Remove("access");
        var omitted = ReleasePolicyLoader.Parse(json.ToJsonString(), "test");

        Assert.True(given.IsValid, string.Join("\n", given.Errors));
        Assert.True(given.Policy!.Access.RequestMayNameApprovers);
        Assert.Equal(["Release.Manager"], given.Policy.Access.RoleClaims[PolicyRoles.ReleaseManager]);
        Assert.True(omitted.IsValid, string.Join("\n", omitted.Errors));
        Assert.False(omitted.Policy!.Access.RequestMayNameApprovers);
    }

    [Fact]
    public void Parse_AccessWithAnUnknownMemberOrABadValue_IsRefusedBySchema()
    {
        var json = JsonSerializer.SerializeToNode(ReleasePolicyDefaults.Create(), PolicyJson.Options)!.AsObject();
        json["access"] = JsonNode.Parse("""{ "requestMayNameApprovers": "yes", "anyoneMayApprove": true }""");

        var result = ReleasePolicyLoader.Parse(json.ToJsonString(), "test");

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.ToString().Contains("access", StringComparison.Ordinal));
    }
}

/// <summary>The one place a signed-in person's roles are resolved: the directory plus the roles their claims grant.</summary>
public class ClaimedRolesTests
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Directory = new Dictionary<string, IReadOnlyList<string>>
    {
        [PolicyRoles.ReleaseManager] = ["rm@example.com"],
    };

    [Fact]
    public void WithClaimedRoles_AddsThePersonToTheClaimedRolesOnly()
    {
        var people = ApproverDirectory.WithClaimedRoles(Directory, " oncall@example.com ", [PolicyRoles.ReleaseManager, PolicyRoles.Auditor]);

        Assert.Equal(["rm@example.com", "oncall@example.com"], people[PolicyRoles.ReleaseManager]);
        Assert.Equal(["oncall@example.com"], people[PolicyRoles.Auditor]);
        Assert.Same(Directory, ApproverDirectory.WithClaimedRoles(Directory, "oncall@example.com", null));
        Assert.Equal(["rm@example.com"], Directory[PolicyRoles.ReleaseManager]);
    }
}
