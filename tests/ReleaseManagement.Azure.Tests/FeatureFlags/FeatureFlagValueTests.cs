using System.Text.Json.Nodes;
using ReleaseManagement.Azure.FeatureFlags;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Tests.FeatureFlags;

/// <summary>The feature flag JSON as <see cref="FeatureFlagValue"/> changes it, for values the protocol tests do not cover.</summary>
public sealed class FeatureFlagValueTests
{
    private static FeatureFlagChange On(int percentage) => new("r", "2026.12.1", "new-checkout", Enabled: true, percentage, null);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    public void Apply_NoUsableValue_StartsAFlagOfTheSchema(string? current)
    {
        var flag = FeatureFlagValue.Apply(current, On(5));

        Assert.Equal("new-checkout", (string?)flag["id"]);
        Assert.True((bool)flag["enabled"]!);
        var filter = Assert.Single(flag["conditions"]!["client_filters"]!.AsArray())!;
        Assert.Equal("Microsoft.Targeting", (string?)filter["name"]);
        Assert.Equal(5, (int)filter["parameters"]!["Audience"]!["DefaultRolloutPercentage"]!);
    }

    [Fact]
    public void Apply_ShortTargetingAlias_IsUpdatedNotDuplicated()
    {
        const string current = """{"id":"new-checkout","enabled":true,"conditions":{"client_filters":[{"name":"Targeting","parameters":{"Audience":{"DefaultRolloutPercentage":5,"Users":["ann"]}}}]}}""";

        var flag = FeatureFlagValue.Apply(current, On(25));

        var filter = Assert.Single(flag["conditions"]!["client_filters"]!.AsArray())!;
        Assert.Equal("Targeting", (string?)filter["name"]);
        Assert.Equal(25, (int)filter["parameters"]!["Audience"]!["DefaultRolloutPercentage"]!);
        Assert.Equal("ann", (string?)filter["parameters"]!["Audience"]!["Users"]![0]);
    }

    [Fact]
    public void SameState_KeysInAnotherOrder_IsTheSame_AnotherPercentageIsNot()
    {
        const string stored = """{"enabled":true,"id":"new-checkout","conditions":{"client_filters":[{"parameters":{"Audience":{"DefaultRolloutPercentage":25}},"name":"Microsoft.Targeting"}]}}""";

        const string reordered = """{"id":"new-checkout","conditions":{"client_filters":[{"name":"Microsoft.Targeting","parameters":{"Audience":{"DefaultRolloutPercentage":5}}}]},"enabled":false}""";

        Assert.True(FeatureFlagValue.SameState(stored, FeatureFlagValue.Apply(reordered, On(25))));
        Assert.False(FeatureFlagValue.SameState(stored, FeatureFlagValue.Apply(stored, On(50))));
        Assert.False(FeatureFlagValue.SameState(null, new JsonObject()));
    }
}
