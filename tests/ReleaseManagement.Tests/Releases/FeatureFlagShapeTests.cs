using ReleaseManagement.Releases;

namespace ReleaseManagement.Tests.Releases;

/// <summary>The structural rules of a release request's <c>featureFlags</c> (<see cref="FeatureFlagShape"/>).</summary>
public class FeatureFlagShapeTests
{
    private static (IReadOnlyList<FeatureFlag>? Flags, IReadOnlyDictionary<string, string[]> Errors) Validate(params FeatureFlagBody?[] bodies)
    {
        var errors = new ValidationErrors();
        var flags = FeatureFlagShape.Validate([.. bodies], errors);
        return (flags, errors.ToDictionary());
    }

    private static FeatureFlagBody Flag(string? name, params decimal?[]? steps) => new() { Name = name, Steps = steps is null ? null : [.. steps] };

    [Fact]
    public void Validate_NoFlags_ReturnsNullAndNoErrors()
    {
        var errors = new ValidationErrors();

        Assert.Null(FeatureFlagShape.Validate(null, errors));
        Assert.Null(FeatureFlagShape.Validate([], errors));
        Assert.False(errors.Any);
    }

    [Fact]
    public void Validate_GoodFlags_ReturnsThemTrimmedWithTheirSteps()
    {
        var (flags, errors) = Validate(Flag(" new-checkout ", 5, 25, 100), Flag("Dark_Mode.v2", 100));

        Assert.Empty(errors);
        Assert.Equal(["new-checkout", "Dark_Mode.v2"], flags!.Select(f => f.Name));
        Assert.Equal([5, 25, 100], flags![0].Steps);
        Assert.Equal([100], flags[1].Steps);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("with:colon")]
    [InlineData("with,comma")]
    [InlineData("per%cent")]
    [InlineData("a/b")]
    [InlineData("-leading")]
    [InlineData(".leading")]
    public void Validate_NameOutsideTheKeyCharacters_IsRefused(string name)
    {
        var (_, errors) = Validate(Flag(name, 100));

        Assert.Equal(["featureFlags[0].name"], errors.Keys);
    }

    [Fact]
    public void Validate_NameTooLongOrMissing_IsRefused()
    {
        var (_, errors) = Validate(Flag(new string('a', FeatureFlagShape.MaxNameLength + 1), 100), Flag(null, 100));

        Assert.Equal(["featureFlags[0].name", "featureFlags[1].name"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(Validate(Flag(new string('a', FeatureFlagShape.MaxNameLength), 100)).Errors);
    }

    [Fact]
    public void Validate_SameNameInAnotherCase_IsNamedTwice()
    {
        var (_, errors) = Validate(Flag("new-checkout", 100), Flag("New-Checkout", 100));

        Assert.Contains("named twice", Assert.Single(errors["featureFlags[1].name"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { 5.0, 5.0, 100.0 }, "featureFlags[0].steps[1]")]
    [InlineData(new[] { 50.0, 25.0, 100.0 }, "featureFlags[0].steps[1]")]
    [InlineData(new[] { 0.0, 100.0 }, "featureFlags[0].steps[0]")]
    [InlineData(new[] { 5.0, 101.0 }, "featureFlags[0].steps[1]")]
    [InlineData(new[] { 12.5, 100.0 }, "featureFlags[0].steps[0]")]
    [InlineData(new[] { 5.0, 25.0 }, "featureFlags[0].steps")]
    public void Validate_StepsNotWholeIncreasingToHundred_AreRefused(double[] steps, string field)
    {
        var (_, errors) = Validate(Flag("f", steps.Select(s => (decimal?)s).ToArray()));

        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void Validate_NoStepsOrTooMany_AreRefused()
    {
        var eleven = Enumerable.Range(1, 10).Select(i => (decimal?)(i * 9)).Append(100).ToArray();
        var (_, errors) = Validate(Flag("a", null), Flag("b"), Flag("c", eleven), Flag("d", [null, 100]));

        Assert.Equal(["featureFlags[0].steps", "featureFlags[1].steps", "featureFlags[2].steps", "featureFlags[3].steps[0]"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(Validate(Flag("e", eleven[1..])).Errors);
    }

    [Fact]
    public void Validate_TooManyFlags_IsOneErrorOnTheList()
    {
        var bodies = Enumerable.Range(0, FeatureFlagShape.MaxFlags + 1).Select(i => (FeatureFlagBody?)Flag($"f{i}", 100)).ToArray();

        var (flags, errors) = Validate(bodies);

        Assert.Null(flags);
        Assert.Equal(["featureFlags"], errors.Keys);
    }

    [Fact]
    public void Validate_NullItem_IsRefused()
    {
        Assert.Equal(["featureFlags[0]"], Validate([null]).Errors.Keys);
    }

    [Fact]
    public void ReleaseRequestShape_WithFeatureFlags_CarriesThemIntoTheRequest()
    {
        var body = new ReleaseRequestBody
        {
            Id = "2026.12.0",
            Title = "December release",
            Type = "Minor",
            Systems = ["Billing"],
            TargetDate = "2026-12-15",
            FeatureFlags = [Flag("new-checkout", 5, 100)],
        };

        var result = ReleaseRequestShape.Validate(body, new DateOnly(2026, 11, 27));

        Assert.True(result.IsValid);
        Assert.Equal([5, 100], Assert.Single(result.Value!.FeatureFlags!).Steps);
    }
}
