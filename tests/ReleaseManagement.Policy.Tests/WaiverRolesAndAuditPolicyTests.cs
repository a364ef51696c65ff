using System.Text.Json;
using System.Text.Json.Nodes;
using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

/// <summary>Who may waive a gate item (<c>waiverRoles</c>) and who may read the audit trail (<c>audit.readerRoles</c>).</summary>
public class WaiverRolesAndAuditPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> People = new Dictionary<string, IReadOnlyList<string>>
    {
        [PolicyRoles.ReleaseManager] = ["rm@example.com"],
        [PolicyRoles.TechnicalLead] = ["lead@example.com"],
    };

    private static GateItem Item(string id) => Default.QualityGates.Values.SelectMany(g => g.Items).Single(i => i.Id == id);

    private static PolicyLoadResult Parse(JsonNode json) => ReleasePolicyLoader.Parse(json.ToJsonString(), "test");

    private static JsonObject DefaultJson() => JsonSerializer.SerializeToNode(ReleasePolicyDefaults.Create(), PolicyJson.Options)!.AsObject();

    [Fact]
    public void Defaults_EveryItemWaivedByTheReleaseManager_SecurityItemsNotWaivable()
    {
        var items = Default.QualityGates.Values.SelectMany(g => g.Items).ToList();

        Assert.All(items, i => Assert.Equal([PolicyRoles.ReleaseManager], i.WaiverRoles));
        Assert.Equal(["security-scan", "security-testing"], items.Where(i => !i.Waivable).Select(i => i.Id));
        Assert.Equal([PolicyRoles.ReleaseManager, PolicyRoles.Auditor], Default.Audit.ReaderRoles);
    }

    [Fact]
    public void EvaluateItem_WaiverByAHolderOfTheWaiverRoles_IsWaivedNamingThemAndTheReason()
    {
        var inputs = GateInputs.Empty with { Waivers = [new("backup", "Snapshot taken by hand", "rm@example.com", T0)] };

        var result = GateEvaluator.EvaluateItem(Item("backup"), inputs, People);

        Assert.Equal(GateVerdict.Waived, result.Verdict);
        Assert.Equal("Waived by rm@example.com: Snapshot taken by hand", result.Reason);
    }

    [Fact]
    public void EvaluateItem_WaiverBySomeoneOutsideTheWaiverRoles_IsIgnoredWithTheReason()
    {
        var inputs = GateInputs.Empty with { Waivers = [new("backup", "Trust me", "lead@example.com", T0)] };

        var result = GateEvaluator.EvaluateItem(Item("backup"), inputs, People);

        Assert.Equal(GateVerdict.Pending, result.Verdict);
        Assert.EndsWith("(a waiver by lead@example.com does not count: only release-manager may waive 'backup')", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void EvaluateItem_ItemWithOtherWaiverRoles_FollowsThem()
    {
        var item = Item("backup") with { WaiverRoles = [PolicyRoles.TechnicalLead] };
        var byLead = GateInputs.Empty with { Waivers = [new("backup", "Snapshot by hand", "lead@example.com", T0)] };
        var byManager = GateInputs.Empty with { Waivers = [new("backup", "Snapshot by hand", "rm@example.com", T0)] };

        Assert.Equal(GateVerdict.Waived, GateEvaluator.EvaluateItem(item, byLead, People).Verdict);
        Assert.Equal(GateVerdict.Pending, GateEvaluator.EvaluateItem(item, byManager, People).Verdict);
    }

    [Fact]
    public void EvaluateItem_SecurityScanWaivedByTheReleaseManager_StillFails()
    {
        var inputs = new GateInputs([new("security-scan", T0, Value: 2)], [], [new("security-scan", "Accepted risk", "rm@example.com", T0)]);

        var result = GateEvaluator.EvaluateItem(Item("security-scan"), inputs, People);

        Assert.Equal(GateVerdict.Failed, result.Verdict);
        Assert.Contains("may not be waived", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WaiverRolesAndAuditOmitted_TakeTheDefaults()
    {
        var json = DefaultJson();
        json.Remove("audit");
        foreach (var gate in json["qualityGates"]!.AsObject())
        {
            foreach (var item in gate.Value!["items"]!.AsArray())
            {
                item!.AsObject().Remove("waiverRoles");
            }
        }

        var result = Parse(json);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.All(result.Policy!.QualityGates.Values.SelectMany(g => g.Items), i => Assert.Equal([PolicyRoles.ReleaseManager], i.WaiverRoles));
        Assert.Equal([PolicyRoles.ReleaseManager, PolicyRoles.Auditor], result.Policy.Audit.ReaderRoles);
    }

    [Fact]
    public void Parse_WaiverRolesAndReaderRolesGiven_AreRead()
    {
        var json = DefaultJson();
        json["audit"] = new JsonObject { ["readerRoles"] = new JsonArray("auditor") };
        json["qualityGates"]!["Deployment"]!["items"]![1]!["waiverRoles"] = new JsonArray("executive", "release-manager");

        var result = Parse(json);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(["auditor"], result.Policy!.Audit.ReaderRoles);
        Assert.Equal(["executive", "release-manager"], result.Policy.QualityGates[GateKind.Deployment].Items[1].WaiverRoles);
    }

    [Fact]
    public void FromPolicy_WaivableItemWithoutWaiverRolesOrNoReaderRoles_SchemaNamesEachPath()
    {
        var gates = Default.QualityGates.ToDictionary(g => g.Key, g => g.Value with
        {
            Items = g.Value.Items.Select(i => i.Id == "backup" ? i with { WaiverRoles = [] } : i).ToArray(),
        });

        var errors = ReleasePolicyLoader.FromPolicy(Default with { QualityGates = gates, Audit = new AuditPolicy { ReaderRoles = [] } }, "code").Errors;

        Assert.Contains(errors, e => e.Path.EndsWith("waiverRoles", StringComparison.Ordinal) && e.Path.Contains("Deployment", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path.EndsWith("audit.readerRoles", StringComparison.Ordinal));
    }

    [Fact]
    public void Schema_WaiverRolesEmpty_IsRefused()
    {
        var json = DefaultJson();
        json["qualityGates"]!["Deployment"]!["items"]![1]!["waiverRoles"] = new JsonArray();

        Assert.False(Parse(json).IsValid);
    }
}
