using ReleaseManagement.Ports;

namespace ReleaseManagement.Policy.Tests;

/// <summary>Missing health data, as a pure classification, and the policy that says what follows from it.</summary>
public sealed class HealthDataTests
{
    private static readonly string[] Systems = ["Billing", "Ledger"];

    private static HealthReading Reading(bool partial = false, string? error = null, params SystemHealth[] systems) =>
        new("r-1", DateTimeOffset.UnixEpoch, systems, partial, error);

    private static SystemHealth Health(string system, decimal? errorRate = 0.2m, int? p95 = 300) => new(system, errorRate, p95, 99.9m, 0, 0.1m, 250);

    [Fact]
    public void Missing_EverySystemWithItsJudgedValues_IsNull()
    {
        Assert.Null(HealthData.Missing(Reading(systems: [Health("Billing"), Health("ledger")]), Systems));
        Assert.False(HealthData.IsMissing(Reading(systems: [Health("Billing"), Health("Ledger")]), Systems));
    }

    [Fact]
    public void Missing_PartialReading_IsMissingDataEvenWithValues()
    {
        Assert.Equal("the monitoring service answered only in part", HealthData.Missing(Reading(partial: true, systems: [Health("Billing"), Health("Ledger")]), Systems));
    }

    [Fact]
    public void Missing_FailedQuery_NamesTheError()
    {
        var missing = HealthData.Missing(Reading(error: "Monitoring is not configured", systems: []), Systems);

        Assert.Equal("the monitoring query failed (Monitoring is not configured); no system reported any health", missing);
    }

    [Fact]
    public void Missing_NoSystemAtAll_IsMissingData()
    {
        Assert.Equal("no system reported any health", HealthData.Missing(Reading(systems: []), Systems));
        Assert.True(HealthData.IsMissing(Reading(systems: []), []));
    }

    [Fact]
    public void Missing_ASystemOfTheReleaseAbsent_NamesIt()
    {
        Assert.Equal("Ledger: no health reported", HealthData.Missing(Reading(systems: [Health("Billing")]), Systems));
    }

    [Fact]
    public void Missing_NoRequestsInTheWindow_NamesTheAbsentValuesPerSystem()
    {
        var missing = HealthData.Missing(Reading(systems: [Health("Billing", errorRate: null, p95: null), Health("Ledger", p95: null)]), Systems);

        Assert.Equal("Billing: no error rate, no p95 duration (no requests in the window); Ledger: no p95 duration (no requests in the window)", missing);
    }

    [Fact]
    public void Missing_NoSystemsGiven_ChecksEverySystemOfTheReading()
    {
        Assert.Equal("Billing: no error rate (no requests in the window)", HealthData.Missing(Reading(systems: [Health("Billing", errorRate: null), Health("Ledger")]), []));
    }

    [Fact]
    public void Missing_WithThePolicy_AvailabilityTheThresholdsJudgeIsRequiredToo()
    {
        var reading = Reading(systems: [new SystemHealth("Billing", 0.2m, 300, null, null, 0.1m, 250)]);

        Assert.Equal("Billing: no availability (no requests in the window)", HealthData.Missing(reading, ["Billing"], TestPolicies.Default));
        Assert.Null(HealthData.Missing(reading, ["Billing"])); // without a policy only error rate and p95 are checked
        var noAvailabilityJudged = TestPolicies.Default with
        {
            SuccessCriteria = TestPolicies.Default.SuccessCriteria with
            {
                DefaultThresholds = TestPolicies.Default.SuccessCriteria.DefaultThresholds with { MinAvailabilityPercent = null },
            },
        };
        Assert.Null(HealthData.Missing(reading, ["Billing"], noAvailabilityJudged));
    }

    [Fact]
    public void MissingData_BreachesNothing_SoOnlyTheClassificationKeepsItFromPassing()
    {
        var reading = Reading(systems: [Health("Billing", errorRate: null, p95: null)]);

        Assert.Null(HealthBreaches.Describe(TestPolicies.Default, reading));
        Assert.True(HealthData.IsMissing(reading, ["Billing"]));
    }

    [Fact]
    public void Defaults_RequireSignOffOfWatchSignoffByTheReleaseManager()
    {
        var criteria = ReleasePolicyDefaults.Create().SuccessCriteria;

        Assert.Equal(MissingHealthDataRule.RequireSignOff, criteria.OnMissingHealthData);
        Assert.Equal("watch-signoff", criteria.SignOffItem);
        Assert.Equal([PolicyRoles.ReleaseManager], criteria.SignOffRoles);
    }

    [Fact]
    public void Parse_MissingDataFieldsOmitted_TakeTheDefaults()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(PolicyJson.Serialize(ReleasePolicyDefaults.Create()))!.AsObject();
        var success = json["successCriteria"]!.AsObject();
        success.Remove("onMissingHealthData");
        success.Remove("signOffItem");
        success.Remove("signOffRoles");

        var result = ReleasePolicyLoader.Parse(json.ToJsonString());

        Assert.Empty(result.Errors);
        Assert.Equal(MissingHealthDataRule.RequireSignOff, result.Policy!.SuccessCriteria.OnMissingHealthData);
        Assert.Equal(SuccessCriteria.DefaultSignOffItem, result.Policy.SuccessCriteria.SignOffItem);
        Assert.Equal([PolicyRoles.ReleaseManager], result.Policy.SuccessCriteria.SignOffRoles);
    }

    [Fact]
    public void Parse_UnknownMissingDataRule_IsAnError()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(PolicyJson.Serialize(ReleasePolicyDefaults.Create()))!.AsObject();
        json["successCriteria"]!["onMissingHealthData"] = "Ignore";

        var result = ReleasePolicyLoader.Parse(json.ToJsonString());

        Assert.Contains(result.Errors, e => e.Path.Contains("onMissingHealthData", StringComparison.Ordinal));
    }

    [Fact]
    public void FromPolicy_NoSignOffRole_IsRefusedByTheSchema()
    {
        var policy = ReleasePolicyDefaults.Create() with { SuccessCriteria = ReleasePolicyDefaults.Create().SuccessCriteria with { SignOffRoles = [] } };

        Assert.Equal("$.successCriteria.signOffRoles", Assert.Single(ReleasePolicyLoader.FromPolicy(policy, "code").Errors).Path);
    }

    [Fact]
    public void GateItemInputs_SignOffItem_IsAnAttestationByTheSignOffRolesNeverWaived()
    {
        var policy = ReleasePolicyDefaults.Create() with { SuccessCriteria = ReleasePolicyDefaults.Create().SuccessCriteria with { SignOffItem = "no-data-signoff", SignOffRoles = ["technical-lead"] } };

        var item = GateItemInputs.Find(policy, "No-Data-Signoff");

        Assert.NotNull(item);
        Assert.Equal(["technical-lead"], item.AttestationRoles);
        Assert.Equal([EvidenceKinds.Attestation], GateItemInputs.KindsFor(item));
    }
}
