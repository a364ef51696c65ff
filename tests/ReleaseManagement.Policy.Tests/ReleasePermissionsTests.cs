using System.Text.Json;
using System.Text.Json.Nodes;
using ReleaseManagement.Releases;
using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

/// <summary>The one permission table of the steering actions (<see cref="ReleasePermissions"/>, issue 24 section 3).</summary>
public class ReleasePermissionsTests
{
    private const string Requester = "requester@example.com";

    private static ReleaseRecord Release(ReleasePhase phase, string? requestedBy = Requester) => new(
        new ReleaseRequest("perm-1", "Permissions", ReleaseType.Minor, ["Billing"], new DateOnly(2027, 4, 6), RequestedBy: requestedBy),
        DateTimeOffset.UnixEpoch, phase, ReleaseStatus.Active, null, DateTimeOffset.UnixEpoch);

    [Theory]
    [InlineData(ReleaseActions.Cancel)]
    [InlineData(ReleaseActions.Reschedule)]
    [InlineData(ReleaseActions.Milestone)]
    [InlineData(ReleaseActions.Rollback)]
    [InlineData(ReleaseActions.Retry)]
    [InlineData(ReleaseActions.Skip)]
    [InlineData(ReleaseActions.Resume)]
    public void Check_ReleaseManager_MayDoEveryActionByDefault(string action)
    {
        var verdict = ReleasePermissions.Check(WithApprovers(), action, Release(ReleasePhase.Development), "RM@example.com");

        Assert.True(verdict.Allowed, verdict.Reason);
        Assert.Equal($"access.permissions.{action}: {PolicyRoles.ReleaseManager}", verdict.Rule);
    }

    [Theory]
    [InlineData(ReleaseActions.Cancel, false)]
    [InlineData(ReleaseActions.Reschedule, false)]
    [InlineData(ReleaseActions.Rollback, false)]
    [InlineData(ReleaseActions.Milestone, true)]
    public void Check_TechnicalLead_RecordsMilestonesButDoesNotSteer(string action, bool allowed)
    {
        var verdict = ReleasePermissions.Check(WithApprovers(), action, Release(ReleasePhase.Development), "lead@example.com");

        Assert.Equal(allowed, verdict.Allowed);
        if (!allowed)
        {
            Assert.Contains("lead@example.com does not hold the release-manager role", verdict.Reason, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(ReleasePhase.Submitted, true)]
    [InlineData(ReleasePhase.Planning, true)]
    [InlineData(ReleasePhase.Development, false)]
    [InlineData(ReleasePhase.Deployment, false)]
    public void Check_Requester_MayCancelAndRescheduleUntilThePlanIsApprovedOnly(ReleasePhase phase, bool allowed)
    {
        Assert.Equal(allowed, ReleasePermissions.Check(WithApprovers(), ReleaseActions.Cancel, Release(phase), "REQUESTER@example.com").Allowed);
        Assert.Equal(allowed, ReleasePermissions.Check(WithApprovers(), ReleaseActions.Reschedule, Release(phase), Requester).Allowed);
        Assert.False(ReleasePermissions.Check(WithApprovers(), ReleaseActions.Rollback, Release(phase), Requester).Allowed);
        Assert.False(ReleasePermissions.Check(WithApprovers(), ReleaseActions.Cancel, Release(phase, requestedBy: null), Requester).Allowed);
    }

    [Fact]
    public void Check_PolicyNamesOtherRolesForAnAction_ThoseRolesAndNoDefaultApply()
    {
        var policy = WithApprovers() with
        {
            Access = new AccessPolicy
            {
                Permissions = new Dictionary<string, ActionPermission> { [ReleaseActions.Cancel] = new() { Roles = [PolicyRoles.QaLead] } },
            },
        };

        Assert.True(ReleasePermissions.Check(policy, ReleaseActions.Cancel, Release(ReleasePhase.Development), "qa@example.com").Allowed);
        Assert.False(ReleasePermissions.Check(policy, ReleaseActions.Cancel, Release(ReleasePhase.Development), "rm@example.com").Allowed);
        Assert.False(ReleasePermissions.Check(policy, ReleaseActions.Cancel, Release(ReleasePhase.Planning), Requester).Allowed);
        Assert.True(ReleasePermissions.Check(policy, ReleaseActions.Reschedule, Release(ReleasePhase.Development), "rm@example.com").Allowed); // the default still
    }

    [Fact]
    public void Check_RoleGrantedBySignInClaims_Counts()
    {
        Assert.False(ReleasePermissions.Check(WithApprovers(), ReleaseActions.Resume, Release(ReleasePhase.Validation), "ops@example.com").Allowed);
        Assert.True(ReleasePermissions.Check(
            WithApprovers(), ReleaseActions.Resume, Release(ReleasePhase.Validation), "ops@example.com", [PolicyRoles.ReleaseManager]).Allowed);
    }

    [Fact]
    public void For_UnknownAction_Throws()
    {
        Assert.Throws<ArgumentException>(() => ReleasePermissions.For(Default, "delete"));
    }

    [Fact]
    public void ExamplePolicies_SpellOutTheDefaultsExactly()
    {
        foreach (var file in new[] { "release-policy.example.json", "release-policy.demo.json" })
        {
            var parsed = ReleasePolicyLoader.Parse(File.ReadAllText(Path.Combine(PolicyLoaderTests.RepoRoot(), "config", file)), file);
            Assert.True(parsed.IsValid, string.Join("\n", parsed.Errors));
            Assert.Equal(ReleaseActions.All.Order(), parsed.Policy!.Access.Permissions.Keys.Order());
            foreach (var (action, permission) in ReleasePermissions.Defaults)
            {
                var given = parsed.Policy.Access.Permissions[action];
                Assert.Equal(permission.Roles, given.Roles);
                Assert.Equal(permission.RequesterUntilPlanApproved, given.RequesterUntilPlanApproved);
            }
        }
    }

    [Fact]
    public void Parse_PermissionOfAnUnknownActionOrWithoutRoles_IsRefusedBySchema()
    {
        var json = JsonSerializer.SerializeToNode(ReleasePolicyDefaults.Create(), PolicyJson.Options)!.AsObject();
        json["access"] = JsonNode.Parse("""{ "permissions": { "delete": { "roles": ["release-manager"] } } }""");
        Assert.False(ReleasePolicyLoader.Parse(json.ToJsonString(), "test").IsValid);

        json["access"] = JsonNode.Parse("""{ "permissions": { "cancel": { "roles": [] } } }""");
        Assert.False(ReleasePolicyLoader.Parse(json.ToJsonString(), "test").IsValid);

        json["access"] = JsonNode.Parse("""{ "permissions": { "cancel": { "roles": ["qa-lead"], "requesterUntilPlanApproved": true } } }""");
        var valid = ReleasePolicyLoader.Parse(json.ToJsonString(), "test");
        Assert.True(valid.IsValid, string.Join("\n", valid.Errors));
        Assert.True(valid.Policy!.Access.Permissions[ReleaseActions.Cancel].RequesterUntilPlanApproved);
    }

    [Fact]
    public void CheckRequest_ByDefault_AnyoneMayRequest_TheProceduresStakeholderSubmits()
    {
        var request = Release(ReleasePhase.Submitted).Request;

        Assert.True(ReleasePermissions.CheckRequest(WithApprovers(), request, "someone@example.com").Allowed);
        Assert.True(ReleasePermissions.CheckRequest(WithApprovers(), request, null).Allowed);
    }

    [Fact]
    public void CheckRequest_PolicyNamingRoles_OnlyTheirHoldersInTheDirectoryOrByClaims_NeverByTheApproversTheRequestNames()
    {
        var policy = WithApprovers() with
        {
            Access = WithApprovers().Access with
            {
                Permissions = new Dictionary<string, ActionPermission>(StringComparer.Ordinal)
                {
                    [ReleaseActions.Request] = new() { Roles = [PolicyRoles.ReleaseManager, PolicyRoles.Stakeholder] },
                },
            },
        };
        var request = Release(ReleasePhase.Submitted).Request;
        var namingThemselves = request with
        {
            Approvers = new Dictionary<string, IReadOnlyList<string>> { [PolicyRoles.Stakeholder] = ["mallory@example.com"] },
        };

        var stakeholder = ReleasePermissions.CheckRequest(policy, request, "STAKE@example.com");
        Assert.True(stakeholder.Allowed, stakeholder.Reason);
        Assert.Equal("access.permissions.request: stakeholder", stakeholder.Rule);
        var lead = ReleasePermissions.CheckRequest(policy, request, "lead@example.com");
        Assert.False(lead.Allowed);
        Assert.Contains("release-manager or stakeholder", lead.Reason, StringComparison.Ordinal);
        Assert.False(ReleasePermissions.CheckRequest(policy, namingThemselves, "mallory@example.com").Allowed);
        Assert.False(ReleasePermissions.CheckRequest(policy, request, null).Allowed);
        Assert.True(ReleasePermissions.CheckRequest(policy, request, "oncall@example.com", [PolicyRoles.ReleaseManager]).Allowed);
    }

    [Fact]
    public void Parse_RequestPermission_IsAcceptedBySchema()
    {
        var json = JsonSerializer.SerializeToNode(ReleasePolicyDefaults.Create(), PolicyJson.Options)!.AsObject();
        json["access"] = JsonNode.Parse("""{ "permissions": { "request": { "roles": ["release-manager", "stakeholder"] } } }""");

        var parsed = ReleasePolicyLoader.Parse(json.ToJsonString(), "test");

        Assert.True(parsed.IsValid, string.Join("\n", parsed.Errors));
        Assert.Equal([PolicyRoles.ReleaseManager, PolicyRoles.Stakeholder], parsed.Policy!.Access.Permissions[ReleaseActions.Request].Roles);
    }
}
