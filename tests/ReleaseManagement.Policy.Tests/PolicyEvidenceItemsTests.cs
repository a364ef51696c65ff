namespace ReleaseManagement.Policy.Tests;

/// <summary>The gate items the lifecycle reads from the policy: test-suite runs and the emergency review.</summary>
public sealed class PolicyEvidenceItemsTests
{
    [Fact]
    public void Defaults_MapTestSuitesToUnitTestsAndCoverage_AndTheReviewToEmergencyReview()
    {
        var policy = ReleasePolicyDefaults.Create();

        Assert.Equal(("unit-tests", "test-coverage"), (policy.TestSuiteEvidence.ResultItem, policy.TestSuiteEvidence.CoverageItem));
        Assert.Equal("emergency-review", policy.EmergencyReview.EvidenceItem);
    }

    [Fact]
    public void Parse_SectionsOmitted_TakeTheDefaults()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(PolicyJson.Serialize(ReleasePolicyDefaults.Create()))!.AsObject();
        json.Remove("testSuiteEvidence");
        json["emergencyReview"]!.AsObject().Remove("evidenceItem");

        var result = ReleasePolicyLoader.Parse(json.ToJsonString());

        Assert.Empty(result.Errors);
        Assert.Equal(new TestSuiteEvidence(), result.Policy!.TestSuiteEvidence);
        Assert.Equal(EmergencyReviewPolicy.DefaultEvidenceItem, result.Policy.EmergencyReview.EvidenceItem);
    }

    [Fact]
    public void Validate_TestSuiteItemNotInTheGates_IsAnErrorNamingTheItems()
    {
        var policy = ReleasePolicyDefaults.Create() with { TestSuiteEvidence = new TestSuiteEvidence { ResultItem = "unit-test", CoverageItem = "test-coverage" } };

        var error = Assert.Single(PolicyFileValidator.Validate(policy));

        Assert.Equal("$.testSuiteEvidence.resultItem", error.Path);
        Assert.Contains("'unit-test' is not a gate item", error.Message, StringComparison.Ordinal);
        Assert.Contains("unit-tests", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPolicy_EmptyEmergencyReviewItem_IsRefusedByTheSchema()
    {
        var policy = ReleasePolicyDefaults.Create() with { EmergencyReview = ReleasePolicyDefaults.Create().EmergencyReview with { EvidenceItem = " " } };

        var error = Assert.Single(ReleasePolicyLoader.FromPolicy(policy, "code").Errors);

        Assert.Equal("$.emergencyReview.evidenceItem", error.Path);
    }
}
