using ReleaseManagement.Releases;
using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

/// <summary>
/// Who holds the release manager's role for a release, as the permission table reads it for a rollback
/// (<see cref="ReleasePermissions"/>: the policy's directory, the release's systems, the people the release names).
/// </summary>
public class ReleaseManagerEntitlementTests
{
    private static bool MayRollBack(ReleasePolicy policy, ReleaseRequest release, string by, IEnumerable<string>? claimedRoles = null) =>
        ReleasePermissions.Check(policy, ReleaseActions.Rollback, new ReleaseRecord(release, DateTimeOffset.UnixEpoch, ReleasePhase.Development, ReleaseStatus.Active, null, DateTimeOffset.UnixEpoch), by, claimedRoles).Allowed;

    [Fact]
    public void MayRollBack_HonoursClaimedRoles()
    {
        Assert.False(MayRollBack(WithApprovers(), Release(), "oncall@example.com"));
        Assert.True(MayRollBack(WithApprovers(), Release(), "oncall@example.com", [PolicyRoles.ReleaseManager]));
        Assert.False(MayRollBack(WithApprovers(), Release(), "oncall@example.com", [PolicyRoles.Auditor]));
    }

    private static ReleaseRequest Release(IReadOnlyDictionary<string, IReadOnlyList<string>>? approvers = null) =>
        new("rme-1", "Entitlement", ReleaseType.Minor, ["Billing"], new DateOnly(2027, 4, 6), Approvers: approvers);

    [Fact]
    public void MayRollBack_AReleaseManagerOfThePolicy_IgnoringCase()
    {
        Assert.True(MayRollBack(WithApprovers(), Release(), "RM@example.com"));
    }

    [Fact]
    public void MayRollBack_AHolderOfAnotherRole_IsRefused()
    {
        Assert.False(MayRollBack(WithApprovers(), Release(), "lead@example.com"));
    }

    [Fact]
    public void MayRollBack_ReleaseNamesItsOwnReleaseManager_OnlyThatPersonNotThePolicys()
    {
        var release = Release(new Dictionary<string, IReadOnlyList<string>> { [PolicyRoles.ReleaseManager] = ["own-rm@example.com"] });

        Assert.True(MayRollBack(WithApprovers(), release, "own-rm@example.com"));
        Assert.False(MayRollBack(WithApprovers(), release, "rm@example.com"));
    }

    [Fact]
    public void MayRollBack_AReleaseManagerOfOneOfTheReleasesSystems_IsEntitled()
    {
        var policy = Default with
        {
            Systems = Default.Systems.ToDictionary(
                kv => kv.Key,
                kv => kv.Key == "Billing"
                    ? kv.Value with { Approvers = new Dictionary<string, IReadOnlyList<string>> { [PolicyRoles.ReleaseManager] = ["billing-rm@example.com"] } }
                    : kv.Value),
        };

        Assert.True(MayRollBack(policy, Release(), "billing-rm@example.com"));
        Assert.False(MayRollBack(Default, Release(), "billing-rm@example.com"));
    }
}
