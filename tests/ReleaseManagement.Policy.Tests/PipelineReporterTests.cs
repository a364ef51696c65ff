using System.Text.Json;
using ReleaseManagement.Events;
using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

/// <summary>
/// Who may report an evidence item, in the one entitlement rule (<see cref="GateEntitlement"/>): the named pipelines of its
/// <see cref="GateItem.Reporters"/> (<see cref="GateEntitlement.PipelineRefusal"/>, with the event types of
/// <see cref="ReleasePolicy.PipelineReporters"/>), and the people of its <see cref="GateItem.ReporterRoles"/>.
/// </summary>
public class PipelineReporterTests
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> People = new Dictionary<string, IReadOnlyList<string>>
    {
        [PolicyRoles.ReleaseManager] = ["rm@example.com"],
        [PolicyRoles.TechnicalLead] = ["lead@example.com"],
    };

    private static ReleasePolicy Granting(string item, params string[] reporters) => Default with
    {
        QualityGates = Default.QualityGates.ToDictionary(
            g => g.Key,
            g => g.Value with { Items = g.Value.Items.Select(i => i.Id == item ? i with { Reporters = reporters } : i).ToArray() }),
    };

    private static CanonicalEvent Event(CanonicalEventType type, params (string Key, string Value)[] attributes) => new(
        "cdevents:" + Guid.NewGuid(), EventSources.CDEvents, type, new DateTimeOffset(2025, 7, 1, 12, 0, 0, TimeSpan.Zero), "rel-pipeline-reporters",
        "billing", null, EventOutcomes.Success, attributes.ToDictionary(a => a.Key, a => a.Value));

    [Fact]
    public void PipelineMayReport_ItemNamingNoReporters_AnyPipelineAndUnnamedSecrets_ElseOnlyTheNamedOnes()
    {
        var open = GateItemInputs.Find(Default, "unit-tests")!;
        var granted = GateItemInputs.Find(Granting("unit-tests", "ci"), "unit-tests")!;

        Assert.True(GateEntitlement.PipelineMayReport(open, "deploy"));
        Assert.True(GateEntitlement.PipelineMayReport(open, null));
        Assert.True(GateEntitlement.PipelineMayReport(granted, "ci"));
        Assert.True(GateEntitlement.PipelineMayReport(granted, "CI"));
        Assert.False(GateEntitlement.PipelineMayReport(granted, "deploy"));
        Assert.False(GateEntitlement.PipelineMayReport(granted, null));
    }

    [Fact]
    public void ItemsReportedBy_TestSuiteRunAndGateEvidence_TheItemsTheReleaseCounts_OtherEventsNone()
    {
        var policy = Default;

        Assert.Equal(["unit-tests", "test-coverage"], GateEntitlement.ItemsReportedBy(policy, Event(CanonicalEventType.TestSuiteRunFinished, (EventAttributes.Coverage, "81.5"))));
        Assert.Equal(["unit-tests"], GateEntitlement.ItemsReportedBy(policy, Event(CanonicalEventType.TestSuiteRunFinished, (EventAttributes.Coverage, "lots"))));
        Assert.Equal(["integration-tests"], GateEntitlement.ItemsReportedBy(policy, Event(CanonicalEventType.TestSuiteRunFinished, (EventAttributes.GateItem, "integration-tests"))));
        Assert.Equal(["security-scan"], GateEntitlement.ItemsReportedBy(policy, Event(CanonicalEventType.GateEvidence, (EventAttributes.GateItem, "security-scan"))));
        Assert.Empty(GateEntitlement.ItemsReportedBy(policy, Event(CanonicalEventType.ServiceDeployed)));
        Assert.Empty(GateEntitlement.ItemsReportedBy(policy, Event(CanonicalEventType.MilestoneReached, (EventAttributes.Milestone, "feature-complete"))));
    }

    [Fact]
    public void PipelineRefusal_CoverageGrantedToAnotherPipeline_RefusesTheWholeRunNamingTheItem()
    {
        var policy = Granting("test-coverage", "tests");
        var run = Event(CanonicalEventType.TestSuiteRunFinished, (EventAttributes.Coverage, "81.5"));

        Assert.Null(GateEntitlement.PipelineRefusal(policy, run, "tests"));
        Assert.Equal("Pipeline 'deploy' may not report 'test-coverage': its reporters are tests.", GateEntitlement.PipelineRefusal(policy, run, "deploy"));
        Assert.Contains("An unnamed webhook secret", GateEntitlement.PipelineRefusal(policy, run, null), StringComparison.Ordinal);
        Assert.Null(GateEntitlement.PipelineRefusal(policy, Event(CanonicalEventType.TestSuiteRunFinished), "deploy"));
        Assert.Null(GateEntitlement.PipelineRefusal(policy, Event(CanonicalEventType.GateEvidence, (EventAttributes.GateItem, "not-an-item")), "deploy"));
    }

    [Fact]
    public void PipelineRefusal_EventTypeListedInPipelineReporters_OnlyThoseSendIt_OtherTypesStayOpen()
    {
        var policy = Default with
        {
            PipelineReporters = new Dictionary<CanonicalEventType, IReadOnlyList<string>> { [CanonicalEventType.ServiceDeployed] = ["deploy"] },
        };

        Assert.Null(GateEntitlement.PipelineRefusal(policy, Event(CanonicalEventType.ServiceDeployed), "deploy"));
        Assert.Contains("may not send ServiceDeployed", GateEntitlement.PipelineRefusal(policy, Event(CanonicalEventType.ServiceDeployed), "ci"), StringComparison.Ordinal);
        Assert.NotNull(GateEntitlement.PipelineRefusal(policy, Event(CanonicalEventType.ServiceDeployed), null));
        Assert.Null(GateEntitlement.PipelineRefusal(policy, Event(CanonicalEventType.PipelineRunFinished), "ci"));
        Assert.Null(GateEntitlement.PipelineRefusal(Default, Event(CanonicalEventType.ServiceDeployed), null));
    }

    [Fact]
    public void Allows_EvidenceByHand_OnlyAHolderOfAReporterRole_NobodyWhenItNamesNoneUnlessThePolicyLetsPeople()
    {
        var item = GateItemInputs.Find(Default, "unit-tests")! with { ReporterRoles = [PolicyRoles.TechnicalLead] };

        Assert.True(GateEntitlement.Allows(item, EvidenceKinds.Evidence, "lead@example.com", People));
        Assert.False(GateEntitlement.Allows(item, EvidenceKinds.Evidence, "rm@example.com", People));
        Assert.Equal("rm@example.com holds none of the roles that may report 'unit-tests' for this release (technical-lead).",
            GateEntitlement.Refusal(Default, item, EvidenceKinds.Evidence, "rm@example.com", People, FourEyes.None));

        // Machine evidence (issue 24 §3): no reporterRoles, no report by hand, unless access.peopleMayReportMachineEvidence.
        var unitTests = GateItemInputs.Find(Default, "unit-tests")!;
        Assert.False(GateEntitlement.Allows(unitTests, EvidenceKinds.Evidence, "ci@example.com", People));
        Assert.False(GateEntitlement.Allows(unitTests, EvidenceKinds.Evidence, "ci@example.com", People, Default.Access));
        Assert.True(GateEntitlement.PipelinesOnly(unitTests, Default.Access));
        Assert.StartsWith("'unit-tests' is machine evidence: a pipeline reports it",
            GateEntitlement.Refusal(Default, unitTests, EvidenceKinds.Evidence, "ci@example.com", People, FourEyes.None), StringComparison.Ordinal);
        var open = Default.Access with { PeopleMayReportMachineEvidence = true };
        Assert.True(GateEntitlement.Allows(unitTests, EvidenceKinds.Evidence, "ci@example.com", People, open));
        Assert.False(GateEntitlement.PipelinesOnly(unitTests, open));
        Assert.False(GateEntitlement.PipelinesOnly(item, Default.Access));
    }

    [Fact]
    public void Validate_ReportersOnAnAttestationItem_ANumberAsAPipelineName_AndABadPipelineReporter_AreErrors()
    {
        var policy = Granting("unit-tests", "0") with
        {
            PipelineReporters = new Dictionary<CanonicalEventType, IReadOnlyList<string>> { [CanonicalEventType.ServiceDeployed] = ["deploy pipeline"] },
        };
        policy = policy with
        {
            QualityGates = policy.QualityGates.ToDictionary(
                g => g.Key,
                g => g.Value with { Items = g.Value.Items.Select(i => i.Id == "code-review" ? i with { Reporters = ["ci"] } : i).ToArray() }),
        };

        var errors = PolicyFileValidator.Validate(policy).Select(e => e.ToString()).ToArray();

        Assert.Contains(errors, e => e.Contains(".reporters[0]", StringComparison.Ordinal) && e.Contains("'0' is not a pipeline name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains(".reporters", StringComparison.Ordinal) && e.Contains("Only items satisfied by evidence are reported", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("$.pipelineReporters.ServiceDeployed[0]", StringComparison.Ordinal));
        Assert.Empty(PolicyFileValidator.Validate(Granting("unit-tests", "ci")));
    }

    [Fact]
    public void Parse_ReportersReporterRolesAndPipelineReporters_PassTheSchemaAndLoad_AndAreOmittedWhenUnset()
    {
        var json = JsonSerializer.SerializeToNode(Default, PolicyJson.Options)!.AsObject();
        Assert.DoesNotContain("pipelineReporters", json.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\"reporters\"", json.ToJsonString(), StringComparison.Ordinal);
        var items = json["qualityGates"]!["Development"]!["items"]!.AsArray();
        var unitTests = items.First(i => (string?)i!["id"] == "unit-tests")!.AsObject();
        unitTests["reporters"] = new System.Text.Json.Nodes.JsonArray("ci", "nightly");
        unitTests["reporterRoles"] = new System.Text.Json.Nodes.JsonArray(PolicyRoles.TechnicalLead);
        json["pipelineReporters"] = new System.Text.Json.Nodes.JsonObject { ["ServiceDeployed"] = new System.Text.Json.Nodes.JsonArray("deploy") };

        var result = ReleasePolicyLoader.Parse(json.ToJsonString(), "test");

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var item = GateItemInputs.Find(result.Policy!, "unit-tests")!;
        Assert.Equal(["ci", "nightly"], item.Reporters);
        Assert.Equal([PolicyRoles.TechnicalLead], item.ReporterRoles);
        Assert.Equal(["deploy"], result.Policy!.PipelineReporters![CanonicalEventType.ServiceDeployed]);

        json["pipelineReporters"] = new System.Text.Json.Nodes.JsonObject { ["Deployment"] = new System.Text.Json.Nodes.JsonArray("deploy") };
        Assert.False(ReleasePolicyLoader.Parse(json.ToJsonString(), "test").IsValid);
    }
}
