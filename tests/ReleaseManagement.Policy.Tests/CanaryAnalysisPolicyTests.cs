using System.Text.Json.Nodes;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Policy.Tests;

/// <summary><c>deployment.analysis</c>: how a canary is judged at each checkpoint (this project's defaults; the schema bounds the values).</summary>
public sealed class CanaryAnalysisPolicyTests
{
    private static JsonObject DefaultJson() => JsonNode.Parse(PolicyJson.Serialize(ReleasePolicyDefaults.Create()))!.AsObject();

    [Fact]
    public void Parse_AnalysisOmitted_TakesTheProjectDefaults()
    {
        var json = DefaultJson();
        Assert.True(json["deployment"]!.AsObject().Remove("analysis"));

        var result = ReleasePolicyLoader.Parse(json.ToJsonString());

        Assert.Empty(result.Errors);
        var a = result.Policy!.Deployment.Analysis;
        Assert.Equal((0.05, 50, 10d, 1d, 1d), (a.Alpha, a.MinSamples, a.MaxDurationIncreasePercent, a.MaxFailureRateIncreasePoints, a.MaxExceptionRateIncreasePoints));
        Assert.Equal(a, ReleasePolicyDefaults.Create().Deployment.Analysis);
    }

    [Fact]
    public void Parse_AnalysisGiven_IsRead()
    {
        var json = DefaultJson();
        json["deployment"]!["analysis"] = JsonNode.Parse("""{ "alpha": 0.01, "minSamples": 200, "maxDurationIncreasePercent": 5, "maxFailureRateIncreasePoints": 0.5, "maxExceptionRateIncreasePoints": 2 }""");

        var result = ReleasePolicyLoader.Parse(json.ToJsonString());

        Assert.Empty(result.Errors);
        Assert.Equal(
            new CanaryAnalysisPolicy { Alpha = 0.01, MinSamples = 200, MaxDurationIncreasePercent = 5, MaxFailureRateIncreasePoints = 0.5, MaxExceptionRateIncreasePoints = 2 },
            result.Policy!.Deployment.Analysis);
    }

    [Theory]
    [InlineData("alpha", "0", "$.deployment.analysis.alpha")]
    [InlineData("alpha", "0.6", "$.deployment.analysis.alpha")]
    [InlineData("minSamples", "1", "$.deployment.analysis.minSamples")]
    [InlineData("minSamples", "2.5", "$.deployment.analysis.minSamples")]
    [InlineData("maxDurationIncreasePercent", "-1", "$.deployment.analysis.maxDurationIncreasePercent")]
    [InlineData("maxFailureRateIncreasePoints", "101", "$.deployment.analysis.maxFailureRateIncreasePoints")]
    [InlineData("maxExceptionRateIncreasePoints", "-0.5", "$.deployment.analysis.maxExceptionRateIncreasePoints")]
    public void Parse_ValueOutOfRange_IsRefusedAtItsPath(string property, string value, string path)
    {
        var json = DefaultJson();
        json["deployment"]!["analysis"]![property] = JsonNode.Parse(value);

        var result = ReleasePolicyLoader.Parse(json.ToJsonString());

        Assert.Null(result.Policy);
        Assert.Contains(result.Errors, e => e.Path == path);
    }

    [Fact]
    public void Parse_UnknownAnalysisField_IsASchemaError()
    {
        var json = DefaultJson();
        json["deployment"]!["analysis"] = JsonNode.Parse("""{ "significance": 0.05 }""");

        Assert.False(ReleasePolicyLoader.Parse(json.ToJsonString()).IsValid);
    }

    [Fact]
    public void FromPolicy_AlphaAboveHalf_IsRefusedNamingTheValue()
    {
        var policy = ReleasePolicyDefaults.Create();
        policy = policy with { Deployment = policy.Deployment with { Analysis = new CanaryAnalysisPolicy { Alpha = 0.75 } } };

        var error = Assert.Single(ReleasePolicyLoader.FromPolicy(policy, "code").Errors);

        Assert.Equal("$.deployment.analysis.alpha", error.Path);
        Assert.Contains("0.75", error.Message, StringComparison.Ordinal);
    }
}
