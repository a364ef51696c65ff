using ReleaseManagement.Releases;
using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

/// <summary>The one rule of who may roll back, retry or skip for a release (<see cref="ReleaseManagerEntitlement"/>).</summary>
public class ReleaseManagerEntitlementTests
{
    private static ReleaseRequest Release(IReadOnlyDictionary<string, IReadOnlyList<string>>? approvers = null) =>
        new("rme-1", "Entitlement", ReleaseType.Minor, ["Billing"], new DateOnly(2027, 4, 6), Approvers: approvers);

    [Fact]
    public void Allows_AReleaseManagerOfThePolicy_IgnoringCase()
    {
        Assert.True(ReleaseManagerEntitlement.Allows(WithApprovers(), Release(), "RM@example.com"));
    }

    [Fact]
    public void Allows_AHolderOfAnotherRole_IsRefused()
    {
        Assert.False(ReleaseManagerEntitlement.Allows(WithApprovers(), Release(), "lead@example.com"));
    }

    [Fact]
    public void Allows_ReleaseNamesItsOwnReleaseManager_OnlyThatPersonNotThePolicys()
    {
        var release = Release(new Dictionary<string, IReadOnlyList<string>> { [PolicyRoles.ReleaseManager] = ["own-rm@example.com"] });

        Assert.True(ReleaseManagerEntitlement.Allows(WithApprovers(), release, "own-rm@example.com"));
        Assert.False(ReleaseManagerEntitlement.Allows(WithApprovers(), release, "rm@example.com"));
    }

    [Fact]
    public void Allows_AReleaseManagerOfOneOfTheReleasesSystems_IsEntitled()
    {
        var policy = Default with
        {
            Systems = Default.Systems.ToDictionary(
                kv => kv.Key,
                kv => kv.Key == "Billing"
                    ? kv.Value with { Approvers = new Dictionary<string, IReadOnlyList<string>> { [PolicyRoles.ReleaseManager] = ["billing-rm@example.com"] } }
                    : kv.Value),
        };

        Assert.True(ReleaseManagerEntitlement.Allows(policy, Release(), "billing-rm@example.com"));
        Assert.False(ReleaseManagerEntitlement.Allows(Default, Release(), "billing-rm@example.com"));
    }
}
