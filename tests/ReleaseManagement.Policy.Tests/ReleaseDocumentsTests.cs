using System.Text.Json;
using System.Text.Json.Nodes;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;
using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

/// <summary>
/// The release documentation (issue 27, point 4): the catalogue and each type's required documents, their validation,
/// documents as items of the gate before production, satisfied by a link, waivable, reported by their roles.
/// </summary>
public sealed class ReleaseDocumentsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static RiskAssessment Risk(ReleasePolicy policy) => RiskEvaluator.Assess(policy.RiskMatrix, RiskRating.Medium, RiskRating.Medium);

    [Fact]
    public void Defaults_TheProceduresFiveDocuments_EachTypeRequiresItsChoice()
    {
        var policy = Default;

        Assert.Equal(
            ["deployment-guide", "release-notes", "rollback-procedure", "technical-documentation", "user-guide"],
            policy.Documents.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["release-notes", "deployment-guide", "rollback-procedure", "user-guide", "technical-documentation"], ReleaseDocuments.Required(policy, ReleaseType.Major));
        Assert.Equal(["release-notes", "deployment-guide", "rollback-procedure", "user-guide"], ReleaseDocuments.Required(policy, ReleaseType.Minor));
        Assert.Equal(["release-notes", "deployment-guide", "rollback-procedure"], ReleaseDocuments.Required(policy, ReleaseType.Patch));
        Assert.Equal(["release-notes", "rollback-procedure"], ReleaseDocuments.Required(policy, ReleaseType.Hotfix));
        Assert.All(policy.Documents.Values, d => Assert.Contains(PolicyRoles.ReleaseManager, d.ReporterRoles!));
        Assert.Empty(ReleasePolicyLoader.FromPolicy(policy, "defaults").Errors);
    }

    [Fact]
    public void Validate_UnknownRequiredDocument_IsRefusedAtItsPath()
    {
        var policy = Default;
        var types = new Dictionary<ReleaseType, ReleaseTypePolicy>(policy.ReleaseTypes)
        {
            [ReleaseType.Minor] = policy.ReleaseTypes[ReleaseType.Minor] with { RequiredDocuments = ["release-notes", "design-doc"] },
        };

        var errors = ReleasePolicyLoader.FromPolicy(policy with { ReleaseTypes = types }, "test").Errors;

        var error = Assert.Single(errors);
        Assert.Equal("$.releaseTypes.Minor.requiredDocuments[1]", error.Path);
        Assert.Contains("'design-doc' is not a document of this policy", error.Message, StringComparison.Ordinal);
        Assert.Contains("release-notes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DocumentWithAGateItemsId_OrABadPipelineName_IsRefusedAtItsPath()
    {
        var policy = Default;
        var documents = new Dictionary<string, ReleaseDocument>(policy.Documents)
        {
            ["backup"] = new() { Description = "Backup runbook" },
            ["user-guide"] = policy.Documents["user-guide"] with { Reporters = ["docs", "7"] },
        };

        var errors = ReleasePolicyLoader.FromPolicy(policy with { Documents = documents }, "test").Errors;

        Assert.Contains(errors, e => e.Path == "$.documents.backup" && e.Message.Contains("already a gate item's id", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.documents['user-guide'].reporters[1]");
        Assert.Equal(2, errors.Count);
    }

    [Fact]
    public void Parse_DocumentIdNotLowerCase_IsASchemaError()
    {
        var json = JsonNode.Parse(JsonSerializer.Serialize(Default, PolicyJson.Options))!.AsObject();
        json["documents"]!.AsObject()["Design Doc"] = new JsonObject { ["description"] = "x" };

        var result = ReleasePolicyLoader.Parse(json.ToJsonString(), "test");

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Path.StartsWith("$.documents", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_PolicyWithoutDocuments_AReleaseStartedBeforeThemRequiresNone()
    {
        // A release's policy travels as JSON (its snapshot, the orchestration's input): one written before documents
        // existed names no requiredDocuments, and its gates stay as they were.
        var json = JsonNode.Parse(JsonSerializer.Serialize(Default, PolicyJson.Options))!.AsObject();
        json.Remove("documents");
        foreach (var (_, type) in json["releaseTypes"]!.AsObject())
        {
            type!.AsObject().Remove("requiredDocuments");
        }

        var policy = PolicyJson.Deserialize(json.ToJsonString());

        Assert.Empty(ReleaseDocuments.Required(policy, ReleaseType.Major));
        Assert.Empty(ReleaseDocuments.ItemsFor(policy, ReleaseType.Major, DeploymentEnvironment.Production));
        Assert.Equal(5, policy.Documents.Count);
    }

    [Fact]
    public void ItemsFor_OnlyTheGateBeforeProduction_HasTheDocuments_AfterTheGatesItems()
    {
        var policy = Default;
        var step = policy.Promotion.Route.Single(s => s.To == DeploymentEnvironment.Production);

        var production = ReleaseGates.For(policy, Risk(policy), step.Gates, step.Validation, ReleaseDocuments.ItemsFor(policy, ReleaseType.Patch, step.To));
        var staging = ReleaseDocuments.ItemsFor(policy, ReleaseType.Patch, DeploymentEnvironment.Staging);

        Assert.Empty(staging);
        Assert.Equal(["release-notes", "deployment-guide", "rollback-procedure"], production.Gate.Items.TakeLast(3).Select(i => i.Id));
        Assert.Contains(production.Gate.Items, i => i.Id == "rollback-plan");
        Assert.All(production.Gate.Items.TakeLast(3), i =>
        {
            Assert.Equal(GateSatisfaction.Document, i.SatisfiedBy);
            Assert.True(i.Waivable);
            Assert.Equal([PolicyRoles.ReleaseManager], i.WaiverRoles);
        });
    }

    [Fact]
    public void Evaluate_Document_MissingUntilAnHttpLink_ALinklessOrScriptReportDoesNotCount()
    {
        var item = ReleaseDocuments.Item("deployment-guide", Default.Documents["deployment-guide"]);
        GateItemResult Judge(params GateEvidence[] evidence) => GateEvaluator.EvaluateItem(item, new GateInputs(evidence, [], []));

        var missing = Judge();
        var linkless = Judge(new GateEvidence("deployment-guide", At, Passed: true));
        var script = Judge(new GateEvidence("deployment-guide", At, Passed: true, Url: "javascript:alert(1)"));
        var relative = Judge(new GateEvidence("deployment-guide", At, Url: "/wiki/deploy"));
        var linked = Judge(new GateEvidence("deployment-guide", At, Url: "https://wiki.example.com/deploy"), new GateEvidence("deployment-guide", At.AddMinutes(1)));

        Assert.Equal(GateVerdict.Pending, missing.Verdict);
        Assert.Equal("Document 'deployment-guide' is missing: no link reported yet.", missing.Reason);
        Assert.Equal(GateVerdict.Pending, linkless.Verdict);
        Assert.Equal(GateVerdict.Pending, script.Verdict);
        Assert.Equal(GateVerdict.Pending, relative.Verdict);
        Assert.Equal(GateVerdict.Passed, linked.Verdict);
        Assert.Equal("Linked: https://wiki.example.com/deploy", linked.Reason);
    }

    [Fact]
    public void Evaluate_Document_WaivedByTheReleaseManagerOnly()
    {
        var policy = WithApprovers();
        var item = ReleaseDocuments.Item("user-guide", policy.Documents["user-guide"]);
        var approvers = ApproverDirectory.Resolve(policy, ["Billing"], null);

        var byLead = GateEvaluator.EvaluateItem(item, new GateInputs([], [], [new GateWaiver("user-guide", "No UI change", "lead@example.com", At)]), approvers);
        var byManager = GateEvaluator.EvaluateItem(item, new GateInputs([], [], [new GateWaiver("user-guide", "No UI change", "rm@example.com", At)]), approvers);

        Assert.Equal(GateVerdict.Pending, byLead.Verdict);
        Assert.Equal(GateVerdict.Waived, byManager.Verdict);
        Assert.Equal("Waived by rm@example.com: No UI change", byManager.Reason);
    }

    [Fact]
    public void Entitlement_DocumentByHand_ItsReporterRolesOnly_NoneNamedMeansPipelinesOnly()
    {
        var policy = WithApprovers();
        var approvers = ApproverDirectory.Resolve(policy, ["Billing"], null);
        var notes = GateItemInputs.Find(policy, "release-notes")!;
        var unnamed = ReleaseDocuments.Item("runbook", new ReleaseDocument { Description = "Runbook" });

        Assert.Equal([EvidenceKinds.Document, EvidenceKinds.Waiver], GateItemInputs.KindsFor(notes));
        Assert.True(GateEntitlement.Allows(notes, EvidenceKinds.Document, "po@example.com", approvers, policy.Access));
        Assert.True(GateEntitlement.Allows(notes, EvidenceKinds.Document, "rm@example.com", approvers, policy.Access));
        Assert.False(GateEntitlement.Allows(notes, EvidenceKinds.Document, "qa@example.com", approvers, policy.Access));
        Assert.False(GateEntitlement.Allows(unnamed, EvidenceKinds.Document, "rm@example.com", approvers, policy.Access));
        Assert.NotNull(GateEntitlement.MachineEvidenceRefusal(unnamed, EvidenceKinds.Document, policy.Access));
        Assert.True(GateEntitlement.PipelineMayReport(notes, "docs"));
    }

    [Theory]
    [InlineData("https://wiki.example.com/release/42", true)]
    [InlineData("http://intranet/docs", true)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("data:text/html,<b>x</b>", false)]
    [InlineData("ftp://files.example.com/guide.pdf", false)]
    [InlineData("/relative/guide", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsLink_OnlyAbsoluteHttpAndHttps(string? url, bool expected) => Assert.Equal(expected, ReleaseDocuments.IsLink(url));
}
