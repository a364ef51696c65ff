using System.Text.Json.Nodes;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Policy.Tests;

/// <summary><c>successCriteria.validationDelay</c> and the validation's window after the deployment (issue 13, point 1).</summary>
public sealed class ValidationDelayTests
{
    private static readonly DateTimeOffset DeployedAt = new(2027, 3, 15, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AfterDeployment_Delay_WindowStartsAtTheDeploymentAndTheBaselineEndsAtIt()
    {
        var query = HealthWindow.AfterDeployment("r-1", ["Billing"], DeployedAt, TimeSpan.FromMinutes(15));

        Assert.Equal(
            (DeployedAt, DeployedAt.AddMinutes(15), DeployedAt.AddMinutes(-15), DeployedAt),
            (query.WindowStart, query.WindowEnd, query.BaselineStart, query.BaselineEnd));
        Assert.Equal("r-1", query.ReleaseId);
        Assert.Equal(["Billing"], query.Systems);
    }

    [Fact]
    public void AfterDeployment_ZeroLength_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HealthWindow.AfterDeployment("r-1", ["Billing"], DeployedAt, TimeSpan.Zero));
    }

    [Fact]
    public void Defaults_ValidationDelay_Is15Minutes()
    {
        Assert.Equal(TimeSpan.FromMinutes(15), ReleasePolicyDefaults.Create().SuccessCriteria.ValidationDelay);
    }

    [Fact]
    public void Parse_ValidationDelayOmitted_TakesTheDefault()
    {
        var json = JsonNode.Parse(PolicyJson.Serialize(ReleasePolicyDefaults.Create()))!.AsObject();
        Assert.True(json["successCriteria"]!.AsObject().Remove("validationDelay"));

        var result = ReleasePolicyLoader.Parse(json.ToJsonString());

        Assert.Empty(result.Errors);
        Assert.Equal(SuccessCriteria.DefaultValidationDelay, result.Policy!.SuccessCriteria.ValidationDelay);
    }

    [Fact]
    public void Parse_ValidationDelayGiven_IsRead()
    {
        var json = JsonNode.Parse(PolicyJson.Serialize(ReleasePolicyDefaults.Create()))!.AsObject();
        json["successCriteria"]!["validationDelay"] = "00:30:00";

        var result = ReleasePolicyLoader.Parse(json.ToJsonString());

        Assert.Empty(result.Errors);
        Assert.Equal(TimeSpan.FromMinutes(30), result.Policy!.SuccessCriteria.ValidationDelay);
    }

    [Fact]
    public void Validate_NegativeValidationDelay_IsAnError()
    {
        var policy = ReleasePolicyDefaults.Create() with { SuccessCriteria = ReleasePolicyDefaults.Create().SuccessCriteria with { ValidationDelay = TimeSpan.FromMinutes(-1) } };

        Assert.Equal("$.successCriteria.validationDelay", Assert.Single(PolicyFileValidator.Validate(policy)).Path);
    }

    [Fact]
    public void Validate_ValidationDelayNotShorterThanTheWatch_IsAnError()
    {
        var policy = ReleasePolicyDefaults.Create() with
        {
            SuccessCriteria = ReleasePolicyDefaults.Create().SuccessCriteria with { WatchDuration = TimeSpan.FromHours(1), ValidationDelay = TimeSpan.FromHours(1) },
        };

        var error = Assert.Single(PolicyFileValidator.Validate(policy));
        Assert.Equal("$.successCriteria.validationDelay", error.Path);
        Assert.Contains("shorter than the watch", error.Message);
    }

    [Fact]
    public void Validate_ZeroValidationDelay_IsAccepted()
    {
        var policy = ReleasePolicyDefaults.Create() with { SuccessCriteria = ReleasePolicyDefaults.Create().SuccessCriteria with { ValidationDelay = TimeSpan.Zero } };

        Assert.Empty(PolicyFileValidator.Validate(policy));
    }
}
