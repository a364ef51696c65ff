using System.Text.Json.Nodes;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Policy.Tests;

/// <summary><c>resilience</c>: how long an outage is waited out and how far apart the tries are (issue 25, point 1).</summary>
public sealed class ResiliencePolicyTests
{
    [Fact]
    public void Parse_ResilienceOmitted_Takes24HoursAndOneMinuteDoublingToHalfAnHour()
    {
        var json = JsonNode.Parse(PolicyJson.Serialize(ReleasePolicyDefaults.Create()))!.AsObject();
        Assert.True(json.Remove("resilience"));

        var result = ReleasePolicyLoader.Parse(json.ToJsonString());

        Assert.Empty(result.Errors);
        var r = result.Policy!.Resilience;
        Assert.Equal((TimeSpan.FromHours(24), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(30), 2d), (r.MaxOutage, r.Backoff.Initial, r.Backoff.Max, r.Backoff.Coefficient));
    }

    [Fact]
    public void Parse_ResilienceGiven_IsRead()
    {
        var json = JsonNode.Parse(PolicyJson.Serialize(ReleasePolicyDefaults.Create()))!.AsObject();
        json["resilience"] = JsonNode.Parse("""{ "maxOutage": "04:00:00", "backoff": { "initial": "00:00:10", "max": "00:05:00", "coefficient": 3 } }""");

        var result = ReleasePolicyLoader.Parse(json.ToJsonString());

        Assert.Empty(result.Errors);
        Assert.Equal(TimeSpan.FromHours(4), result.Policy!.Resilience.MaxOutage);
        Assert.Equal(new RetryBackoff { Initial = TimeSpan.FromSeconds(10), Max = TimeSpan.FromMinutes(5), Coefficient = 3 }, result.Policy.Resilience.Backoff);
    }

    [Fact]
    public void Parse_UnknownResilienceField_IsASchemaError()
    {
        var json = JsonNode.Parse(PolicyJson.Serialize(ReleasePolicyDefaults.Create()))!.AsObject();
        json["resilience"] = JsonNode.Parse("""{ "maxOutages": "04:00:00" }""");

        var result = ReleasePolicyLoader.Parse(json.ToJsonString());

        Assert.False(result.IsValid);
    }

    [Fact]
    public void Validate_ZeroMaxOutageAndMaxBelowInitial_AreErrors()
    {
        var policy = ReleasePolicyDefaults.Create() with
        {
            Resilience = new ResiliencePolicy
            {
                MaxOutage = TimeSpan.Zero,
                Backoff = new RetryBackoff { Initial = TimeSpan.FromMinutes(5), Max = TimeSpan.FromMinutes(1), Coefficient = 2 },
            },
        };

        Assert.Equal(
            ["$.resilience.backoff.max", "$.resilience.maxOutage"],
            PolicyFileValidator.Validate(policy).Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void FromPolicy_CoefficientBelowOne_IsRefusedByTheSchemaNamingTheValue()
    {
        var policy = ReleasePolicyDefaults.Create() with
        {
            Resilience = new ResiliencePolicy { Backoff = new RetryBackoff { Coefficient = 0.5 } },
        };

        var error = Assert.Single(ReleasePolicyLoader.FromPolicy(policy, "code").Errors);

        Assert.Equal("$.resilience.backoff.coefficient", error.Path);
        Assert.Contains("0.5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backoff_Next_MultipliesUpToTheMax()
    {
        var backoff = new RetryBackoff { Initial = TimeSpan.FromMinutes(1), Max = TimeSpan.FromMinutes(5), Coefficient = 2 };

        Assert.Equal(
            [TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5)],
            new[] { 1, 2, 4, 5 }.Select(m => backoff.Next(TimeSpan.FromMinutes(m))));
    }
}
