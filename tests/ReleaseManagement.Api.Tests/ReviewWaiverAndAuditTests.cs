using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Audit;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Api.Tests;

/// <summary>
/// Issue 12, points 1, 4 and 7 through the shared handlers on Azurite: the hotfix's review through the evidence API, who
/// may waive, and the audit trail every handler writes.
/// </summary>
public sealed class ReviewWaiverAndAuditTests : IAsyncLifetime
{
    private ApiHarness _h = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _h = await ApiHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static string Today => DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static Task<string> HotfixAsync(ApiHarness h) => h.StartReleaseAsync("Hotfix", Today);

    private static Task<Answer> EvidenceAsync(ApiHarness h, string id, string json, string? principal = null) =>
        h.CallAsync(r => h.Evidence.EvidenceAsync(id, r, h.Client, Ct), json, principal: principal);

    private static Task<Answer> AuditAsync(ApiHarness h, string id, string? principal = null) =>
        h.CallAsync(r => h.Services.GetRequiredService<AuditHandlers>().GetAsync(id, r, Ct), principal: principal, method: "GET");

    private static async Task NothingStoredOrRaisedAsync(ApiHarness h, string id)
    {
        Assert.Empty(await h.Events.ListByReleaseAsync(id, Ct));
        Assert.Empty(await h.ReceivedAsync(id));
    }

    private static IReadOnlyList<string> Actions(Answer audit) =>
        audit.Body!["entries"]!.AsArray().Select(e => (string)e!["action"]!).ToArray();

    [Fact]
    public async Task EmergencyReview_AttestedByAReviewerOfAHotfix_IsStoredRaisedAndAudited()
    {
        var id = await HotfixAsync(_h);

        var answer = await EvidenceAsync(_h, id, """{ "item": "emergency-review", "kind": "attestation", "by": "lead@example.com", "note": "Root cause: expired cert" }""");

        Assert.True(answer.Status == 202, answer.ToString());
        Assert.Equal("emergency-review", answer.Str("item"));
        var received = Assert.Single(await _h.ReceivedAsync(id));
        Assert.Equal(CanonicalEventType.GateEvidence, received.Pipeline!.Type);
        Assert.Equal("emergency-review", received.Pipeline.Attribute(EventAttributes.GateItem));
        Assert.Equal("approved", received.Pipeline.Attribute(EventAttributes.Attestation));
        Assert.Equal("lead@example.com", received.Pipeline.Attribute(EventAttributes.Approver));
        var row = (await AuditAsync(_h, id)).Body!["entries"]!.AsArray().Last()!;
        Assert.Equal(("attestation", "lead@example.com", "emergencyReview: attested by release-manager or technical-lead", answer.Str("eventId")),
            ((string?)row["action"], (string?)row["by"], (string?)row["rule"], (string?)row["eventKey"]));
    }

    [Fact]
    public async Task EmergencyReview_BySomeoneWithoutAReviewerRole_Is403AndChangesNothing()
    {
        var id = await HotfixAsync(_h);

        var answer = await EvidenceAsync(_h, id, """{ "item": "emergency-review", "kind": "attestation", "by": "qa@example.com" }""");

        Assert.Equal(403, answer.Status);
        Assert.Contains("release-manager, technical-lead", answer.Str("detail"), StringComparison.Ordinal);
        await NothingStoredOrRaisedAsync(_h, id);
        Assert.Equal(["request", "policy"], Actions(await AuditAsync(_h, id)));
    }

    [Fact]
    public async Task EmergencyReview_OfAMinorRelease_Is409AndChangesNothing()
    {
        var id = await _h.StartReleaseAsync();

        var answer = await EvidenceAsync(_h, id, """{ "item": "emergency-review", "kind": "attestation", "by": "rm@example.com" }""");

        Assert.Equal(409, answer.Status);
        Assert.Contains("only hotfixes owe", answer.Str("detail"), StringComparison.Ordinal);
        await NothingStoredOrRaisedAsync(_h, id);
    }

    [Theory]
    [InlineData("""{ "item": "emergency-review", "kind": "waiver", "by": "rm@example.com", "reason": "No time" }""", "may not be waived")]
    [InlineData("""{ "item": "emergency-review", "kind": "evidence", "by": "rm@example.com", "passed": true }""", "send kind 'attestation'")]
    public async Task EmergencyReview_OfAnotherKind_Is400AndChangesNothing(string json, string message)
    {
        var id = await HotfixAsync(_h);

        var answer = await EvidenceAsync(_h, id, json);

        Assert.Equal(400, answer.Status);
        Assert.Contains(answer.Errors("kind"), m => m.Contains(message, StringComparison.Ordinal));
        await NothingStoredOrRaisedAsync(_h, id);
    }

    [Fact]
    public async Task EmergencyReview_ReleaseNoLongerRunning_Is409()
    {
        var id = await HotfixAsync(_h);
        await _h.EndAsync(id);

        var answer = await EvidenceAsync(_h, id, """{ "item": "emergency-review", "kind": "attestation", "by": "rm@example.com" }""");

        Assert.Equal(409, answer.Status);
        Assert.Empty(await _h.Events.ListByReleaseAsync(id, Ct));
    }

    [Fact]
    public async Task EmergencyReview_WithSignInRequired_NeedsTheReviewerSignedIn()
    {
        await using var h = await ApiHarness.StartAsync(requireSignedIn: true);
        var id = await HotfixAsync(h);
        const string Body = """{ "item": "emergency-review", "kind": "attestation", "by": "rm@example.com" }""";

        var anonymous = await EvidenceAsync(h, id, Body);
        var someoneElse = await EvidenceAsync(h, id, Body, principal: "lead@example.com");
        var themselves = await EvidenceAsync(h, id, Body, principal: "rm@example.com");

        Assert.Equal((403, 403, 202), (anonymous.Status, someoneElse.Status, themselves.Status));
        var row = (await AuditAsync(h, id, principal: "rm@example.com")).Body!["entries"]!.AsArray().Last()!;
        Assert.Equal(("rm@example.com", "rm@example.com"), ((string?)row["by"], (string?)row["signedInAs"]));
    }

    [Fact]
    public async Task Waiver_BySomeoneOutsideTheWaiverRoles_Is403AndStoresNothing()
    {
        var id = await _h.StartReleaseAsync();

        var answer = await EvidenceAsync(_h, id, """{ "item": "backup", "kind": "waiver", "by": "lead@example.com", "reason": "Snapshot taken by hand" }""");

        Assert.Equal(403, answer.Status);
        Assert.Contains("may waive 'backup'", answer.Str("detail"), StringComparison.Ordinal);
        Assert.Contains("(release-manager)", answer.Str("detail"), StringComparison.Ordinal);
        await NothingStoredOrRaisedAsync(_h, id);
        Assert.Equal(["request", "policy"], Actions(await AuditAsync(_h, id)));
    }

    [Fact]
    public async Task Waiver_OfTheSecurityScanUnderTheDefaults_Is400()
    {
        var id = await _h.StartReleaseAsync();

        var answer = await EvidenceAsync(_h, id, """{ "item": "security-scan", "kind": "waiver", "by": "rm@example.com", "reason": "Scanner down" }""");

        Assert.Equal(400, answer.Status);
        Assert.Contains("'security-scan' may not be waived.", answer.Errors("kind"));
        await NothingStoredOrRaisedAsync(_h, id);
    }

    [Fact]
    public async Task Audit_EveryHandlersAction_InOrderChainedWithWhoWhenWhereAndRule()
    {
        var id = await _h.StartReleaseAsync();
        var moved = ValidRelease.TargetDate(minDays: 45);
        Assert.Equal(202, (await _h.CallAsync(r => _h.Milestones.MilestoneAsync(id, "code-freeze", r, _h.Client, Ct), """{ "by": "lead@example.com" }""")).Status);
        Assert.Equal(202, (await EvidenceAsync(_h, id, """{ "item": "code-review", "kind": "attestation", "by": "lead@example.com" }""")).Status);
        Assert.Equal(202, (await EvidenceAsync(_h, id, """{ "item": "backup", "kind": "waiver", "by": "rm@example.com", "reason": "Snapshot taken by hand" }""")).Status);
        Assert.Equal(202, (await EvidenceAsync(_h, id, """{ "item": "unit-tests", "kind": "evidence", "by": "ci@example.com", "passed": true }""")).Status);
        Assert.Equal(202, (await _h.CallAsync(r => _h.Decisions.DecideAsync(id, r, _h.Client, Ct),
            """{ "stage": "plan", "decision": "approve", "approver": "po@example.com", "role": "product-owner", "comment": "Scope is right" }""")).Status);
        Assert.Equal(202, (await _h.CallAsync(r => _h.Reschedule.RescheduleAsync(id, r, _h.Client, Ct), $$"""{ "targetDate": "{{moved}}", "by": "rm@example.com", "reason": "Vendor late" }""", method: "PATCH")).Status);
        Assert.Equal(202, (await _h.CallAsync(r => _h.Cancel.CancelAsync(id, r, _h.Client, Ct), """{ "reason": "Superseded", "by": "rm@example.com" }""")).Status);

        var audit = await AuditAsync(_h, id);

        Assert.Equal(200, audit.Status);
        Assert.Equal(["request", "policy", "milestone", "attestation", "waiver", "evidence", "decision", "reschedule", "cancel"], Actions(audit));
        Assert.True((bool)audit.Body!["verified"]!);
        Assert.Null(audit.Body["firstBrokenSequence"]);
        Assert.Equal(CanonicalJson.PolicyHash(_h.Policy), (string?)audit.Body["policyHash"]);
        Assert.Equal(9, (int)audit.Body["count"]!);
        var entries = audit.Body["entries"]!.AsArray().Select(e => e!.AsObject()).ToArray();
        Assert.Equal(Enumerable.Range(1, 9), entries.Select(e => (int)e["sequence"]!));
        Assert.Equal(AuditChain.Genesis, (string?)entries[0]["previousHash"]);
        for (var i = 1; i < entries.Length; i++)
        {
            Assert.Equal((string?)entries[i - 1]["hash"], (string?)entries[i]["previousHash"]);
        }

        Assert.Equal((string?)entries[^1]["hash"], (string?)audit.Body["lastHash"]);
        Assert.Equal(CanonicalJson.Of(_h.Policy), (string?)entries[1]["data"]!["policy"]);
        Assert.All(entries, e => Assert.Equal("api", (string?)e["channel"]));
        var waiver = entries[4];
        Assert.Equal(("rm@example.com", "Snapshot taken by hand", "qualityGates.Deployment.backup: waived by release-manager"),
            ((string?)waiver["by"], (string?)waiver["data"]!["reason"], (string?)waiver["rule"]));
        var decision = entries[6];
        Assert.Equal(("po@example.com", "approvals.plan", "approved", "Scope is right"),
            ((string?)decision["by"], (string?)decision["rule"], (string?)decision["data"]!["decision"], (string?)decision["data"]!["comment"]));
        Assert.Equal(("Superseded", "rm@example.com"), ((string?)entries[8]["data"]!["reason"], (string?)entries[8]["by"]));
        Assert.Equal(moved, (string?)entries[7]["data"]!["to"]);
    }

    [Fact]
    public async Task Audit_AsCsv_HasTheColumnsOneLinePerRowAndTheVerdictInHeaders()
    {
        var id = await _h.StartReleaseAsync();
        Assert.Equal(202, (await EvidenceAsync(_h, id, """{ "item": "backup", "kind": "waiver", "by": "rm@example.com", "reason": "Snapshot, taken \"by hand\"" }""")).Status);

        var context = new DefaultHttpContext { RequestServices = _h.Services };
        context.Request.Method = "GET";
        context.Request.Headers.Accept = new StringValues("text/csv");
        using var body = new MemoryStream();
        context.Response.Body = body;
        await (await _h.Services.GetRequiredService<AuditHandlers>().GetAsync(id, context.Request, Ct)).ExecuteAsync(context);
        var csv = Encoding.UTF8.GetString(body.ToArray());

        Assert.Equal(200, context.Response.StatusCode);
        Assert.StartsWith("text/csv", context.Response.ContentType, StringComparison.Ordinal);
        Assert.Equal("true", context.Response.Headers[AuditHandlers.VerifiedHeader].ToString());
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(',', AuditHandlers.CsvColumns), lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("1,", lines[1], StringComparison.Ordinal);
        Assert.Contains(",request,", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("\"\"timeZone\"\"", lines[2], StringComparison.Ordinal); // the policy's JSON stays out of the CSV, its hash stays in
        Assert.Contains("policyHash", lines[2], StringComparison.Ordinal);
        Assert.Contains("Snapshot, taken \"\"by hand\"\"", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_RowEditedInStorage_AnswersNotVerifiedNamingTheRow()
    {
        var id = await _h.StartReleaseAsync();
        Assert.Equal(202, (await EvidenceAsync(_h, id, """{ "item": "backup", "kind": "waiver", "by": "rm@example.com", "reason": "Snapshot taken" }""")).Status);
        var table = new TableClient(ApiHarness.AzuriteConnectionString, TableNames.ReleaseAudit);
        var row = (await table.GetEntityAsync<TableEntity>(id, TableAuditTrail.RowKey(3), cancellationToken: Ct)).Value;
        row["By"] = "lead@example.com";
        await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, Ct);

        var audit = await AuditAsync(_h, id);

        Assert.Equal(200, audit.Status);
        Assert.False((bool)audit.Body!["verified"]!);
        Assert.Equal(3, (int)audit.Body["firstBrokenSequence"]!);
        Assert.Contains("changed", (string?)audit.Body["problem"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_WithSignInRequired_OnlyTheReaderRolesMayRead()
    {
        var policy = ReleasePolicyDefaults.Create() with
        {
            Approvers = new Dictionary<string, IReadOnlyList<string>> { [PolicyRoles.Auditor] = ["audit@example.com"] },
        };
        await using var h = await ApiHarness.StartAsync(policy, requireSignedIn: true);
        var id = await h.StartReleaseAsync();

        var anonymous = await AuditAsync(h, id);
        var lead = await AuditAsync(h, id, principal: "lead@example.com");
        var manager = await AuditAsync(h, id, principal: "rm@example.com");
        var auditor = await AuditAsync(h, id, principal: "audit@example.com");

        Assert.Equal((403, 403, 200, 200), (anonymous.Status, lead.Status, manager.Status, auditor.Status));
        Assert.Contains("release-manager, auditor", lead.Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evidence_ByHandOfAnItemNamingReporterRoles_OnlyAHolderMayReportIt_OthersAre403AndStoreNothing()
    {
        var defaults = ReleasePolicyDefaults.Create();
        var policy = defaults with
        {
            QualityGates = defaults.QualityGates.ToDictionary(
                g => g.Key,
                g => g.Value with { Items = g.Value.Items.Select(i => i.Id == "unit-tests" ? i with { ReporterRoles = [PolicyRoles.TechnicalLead] } : i).ToArray() }),
        };
        await using var h = await ApiHarness.StartAsync(policy);
        var refusedId = await h.StartReleaseAsync();
        var acceptedId = await h.StartReleaseAsync();

        var refused = await EvidenceAsync(h, refusedId, """{ "item": "unit-tests", "kind": "evidence", "by": "ci@example.com", "passed": true }""");
        var accepted = await EvidenceAsync(h, acceptedId, """{ "item": "unit-tests", "kind": "evidence", "by": "lead@example.com", "passed": true }""");

        Assert.Equal(403, refused.Status);
        Assert.Equal("Not a reporter of this item.", refused.Str("title"));
        Assert.Contains("ci@example.com holds none of the roles that may report 'unit-tests'", refused.Str("detail"), StringComparison.Ordinal);
        await NothingStoredOrRaisedAsync(h, refusedId);
        Assert.True(accepted.Status == 202, accepted.ToString());
        Assert.Equal("lead@example.com", (string?)(await AuditAsync(h, acceptedId)).Body!["entries"]!.AsArray().Last()!["by"]);
    }

    /// <summary>
    /// Issue 24 §3: machine evidence is reported by pipelines. Under the built-in policy (access.peopleMayReportMachineEvidence
    /// off) a person posting a passing security scan (an item that may not be waived), a test result or a configuration
    /// report by hand is refused with 403 and nothing is stored, raised or audited; before this rule the scan was accepted
    /// and passed the item. A person's word is still taken where the policy asks for it: an attestation.
    /// </summary>
    [Fact]
    public async Task Evidence_ByHandUnderTheBuiltInPolicy_MachineEvidenceIs403AndStoresNothing_AnAttestationIsTaken()
    {
        await using var h = await ApiHarness.StartAsync(peopleMayReportMachineEvidence: false);
        var id = await h.StartReleaseAsync();
        var attestedId = await h.StartReleaseAsync();

        foreach (var body in new[]
        {
            """{ "item": "security-scan", "kind": "evidence", "by": "rm@example.com", "value": 0 }""",
            """{ "item": "unit-tests", "kind": "evidence", "by": "lead@example.com", "passed": true }""",
            """{ "item": "environment-configuration", "kind": "configuration", "by": "ops@example.com", "environment": "production", "settings": { "tls": "1.2" } }""",
        })
        {
            var refused = await EvidenceAsync(h, id, body);
            Assert.True(refused.Status == 403, refused.ToString());
            Assert.Equal("Machine evidence comes from pipelines.", refused.Str("title"));
            Assert.Contains("is machine evidence: a pipeline reports it through a signed webhook", refused.Str("detail"), StringComparison.Ordinal);
        }

        await NothingStoredOrRaisedAsync(h, id);
        Assert.DoesNotContain("evidence", Actions(await AuditAsync(h, id)));
        var attested = await EvidenceAsync(h, attestedId, """{ "item": "code-review", "kind": "attestation", "by": "lead@example.com", "approved": true }""");
        Assert.True(attested.Status == 202, attested.ToString());
    }

    [Fact]
    public async Task Audit_UnknownRelease_Is404()
    {
        var answer = await AuditAsync(_h, "nobody-" + Guid.NewGuid().ToString("N")[..8]);

        Assert.Equal(404, answer.Status);
    }

    [Fact]
    public async Task Audit_RequestResumed_AddsNoSecondRequestRow()
    {
        var id = await _h.StartReleaseAsync();
        var trail = _h.Services.GetRequiredService<ReleaseManagement.Ports.IAuditTrail>();
        var first = await trail.ReadAsync(id, Ct);

        // What a resumed request writes again: the same keys, so the trail is unchanged.
        await _h.Services.GetRequiredService<AuditRecorder>().RecordAsync(new AuditOrigin(AuditChannels.Api), id, AuditActions.Request, "x", "again", eventKey: "request", cancellationToken: Ct);

        Assert.Equal(first.Select(r => r.Hash), (await trail.ReadAsync(id, Ct)).Select(r => r.Hash));
    }
}
