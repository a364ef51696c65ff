using ReleaseManagement.Activities;
using ReleaseManagement.Audit;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Tests.Releases;

public class AuditChainTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 9, 30, 0, TimeSpan.Zero);

    private static AuditEntry Entry(string key, string by = "rm@example.com") => new(
        "2026.12.0", key, AuditActions.Waiver, by, T0, AuditChannels.Api, "Waived 'backup'", "qualityGates.Deployment.backup: waived by release-manager",
        by, "203.0.113.7", new Dictionary<string, string> { ["reason"] = "Snapshot taken", ["item"] = "backup" });

    private static readonly AuditKeys Keys = AuditKeys.Single("k1", Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private static List<AuditRecord> Chain(int count, AuditKeys? keys = null)
    {
        var rows = new List<AuditRecord>();
        for (var i = 1; i <= count; i++)
        {
            rows.Add(AuditChain.Seal(Entry($"k{i}"), i, rows.Count == 0 ? AuditChain.Genesis : rows[^1].Hash, keys ?? Keys));
        }

        return rows;
    }

    [Fact]
    public void Verify_SealedChain_IsVerified()
    {
        Assert.Equal(AuditVerification.Intact, AuditChain.Verify(Chain(4), Keys));
        Assert.Equal(AuditVerification.Intact, AuditChain.Verify([], Keys));
    }

    [Fact]
    public void Verify_AnyFieldEdited_IsBrokenAtThatRow()
    {
        var rows = Chain(3);
        var edits = new Func<AuditEntry, AuditEntry>[]
        {
            e => e with { By = "mallory@example.com" },
            e => e with { At = e.At.AddSeconds(1) },
            e => e with { Channel = AuditChannels.Link },
            e => e with { Rule = null },
            e => e with { SignedInAs = null },
            e => e with { ClientAddress = "198.51.100.1" },
            e => e with { Summary = "Nothing" },
            e => e with { Data = new Dictionary<string, string> { ["reason"] = "Other", ["item"] = "backup" } },
        };

        foreach (var edit in edits)
        {
            var tampered = rows.ToList();
            tampered[1] = tampered[1] with { Entry = edit(tampered[1].Entry) };

            var verification = AuditChain.Verify(tampered, Keys);

            Assert.False(verification.Verified);
            Assert.Equal(2, verification.FirstBrokenSequence);
        }
    }

    [Fact]
    public void Verify_RowRemoved_IsBrokenWhereItIsMissing()
    {
        var rows = Chain(4);
        rows.RemoveAt(0);

        var verification = AuditChain.Verify(rows, Keys);

        Assert.Equal((false, 1L), (verification.Verified, verification.FirstBrokenSequence));
        Assert.Equal("Row 1 is missing (the next row is 2).", verification.Problem);
    }

    [Fact]
    public void Verify_RowReplacedByAResealedOne_IsBrokenAtTheNextRow()
    {
        var rows = Chain(3);
        rows[1] = AuditChain.Seal(Entry("k2", by: "mallory@example.com"), 2, rows[0].Hash, Keys);

        var verification = AuditChain.Verify(rows, Keys);

        Assert.Equal((false, 3L), (verification.Verified, verification.FirstBrokenSequence));
        Assert.Contains("does not carry the hash", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Content_IsCanonicalJsonWithKeysInOrder()
    {
        var content = AuditChain.Content(Entry("k1") with { Data = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" } }, 1, AuditChain.Genesis, "k1");

        Assert.StartsWith("""{"action":"waiver","at":"2026-11-27T09:30:00.0000000Z","by":"rm@example.com","channel":"api","clientAddress":"203.0.113.7","data":{"a":"1","b":"2"},"eventKey":"k1","keyId":"k1",""", content, StringComparison.Ordinal);
        Assert.Equal(64, Chain(1)[0].Hash.Length);
    }

    [Fact]
    public void Verify_WholeChainRecomputedWithoutTheKey_IsBrokenAtItsFirstRow()
    {
        // Someone who can write the table but holds no key rebuilds every row, chained, with plain SHA-256 (the old
        // scheme) or with a key of their own under the same key id: neither verifies.
        var forged = new List<AuditRecord>();
        foreach (var row in Chain(3))
        {
            var previous = forged.Count == 0 ? AuditChain.Genesis : forged[^1].Hash;
            var content = AuditChain.Content(row.Entry with { By = "mallory@example.com" }, row.Sequence, previous, row.KeyId!);
            forged.Add(row with
            {
                Entry = row.Entry with { By = "mallory@example.com" },
                PreviousHash = previous,
                Hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content))),
            });
        }

        var resealed = Chain(3, AuditKeys.Single("k1", new byte[32]));

        Assert.Equal((false, 1L), (AuditChain.Verify(forged, Keys).Verified, AuditChain.Verify(forged, Keys).FirstBrokenSequence));
        Assert.Equal((false, 1L), (AuditChain.Verify(resealed, Keys).Verified, AuditChain.Verify(resealed, Keys).FirstBrokenSequence));
    }

    [Fact]
    public void Verify_RowOfAnUnknownKeyOrNoKey_IsBrokenAndSaysWhy()
    {
        var rows = Chain(2);

        var unknown = AuditChain.Verify([rows[0] with { KeyId = "k9" }, rows[1]], Keys);
        var none = AuditChain.Verify([rows[0] with { KeyId = null }, rows[1]], Keys);

        Assert.Equal("Row 1 is sealed with key 'k9', which this deployment does not hold.", unknown.Problem);
        Assert.Equal("Row 1 names no key: it was not sealed by this application.", none.Problem);
    }

    [Fact]
    public void Verify_AfterKeyRotation_OldRowsVerifyWithTheOldKeyKept()
    {
        var oldKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var newKey = Enumerable.Range(50, 32).Select(i => (byte)i).ToArray();
        var rotated = new AuditKeys("k2", new Dictionary<string, byte[]> { ["k1"] = oldKey, ["k2"] = newKey });
        var rows = Chain(2);
        rows.Add(AuditChain.Seal(Entry("k3"), 3, rows[^1].Hash, rotated));

        Assert.Equal("k2", rows[2].KeyId);
        Assert.True(AuditChain.Verify(rows, rotated).Verified);
        Assert.False(AuditChain.Verify(rows, AuditKeys.Single("k2", newKey)).Verified);
    }

    [Fact]
    public void Verify_LastRowsDeleted_IsBrokenWhereTheCheckpointSaysRowsShouldBe()
    {
        var rows = Chain(4);
        var checkpoint = new AuditCheckpoint("2026.12.0", 4, rows[3].Hash, T0);

        var oneGone = AuditChain.Verify(rows.Take(3).ToList(), Keys, checkpoint);
        var twoGone = AuditChain.Verify(rows.Take(2).ToList(), Keys, checkpoint);

        Assert.Equal((false, 4L, "Row 4 is missing: the checkpoint of 2026-11-27 09:30:00 UTC counts 4 rows."), (oneGone.Verified, oneGone.FirstBrokenSequence, oneGone.Problem));
        Assert.Equal((false, 3L), (twoGone.Verified, twoGone.FirstBrokenSequence));
        Assert.True(AuditChain.Verify(rows.Take(3).ToList(), Keys).Verified); // the chain alone cannot see it
    }

    [Fact]
    public void Verify_CheckpointBehindTheTrailOrMatching_IsVerified_AndAnotherHashAtItsCountIsNot()
    {
        var rows = Chain(4);

        Assert.True(AuditChain.Verify(rows, Keys, new AuditCheckpoint("2026.12.0", 2, rows[1].Hash, T0)).Verified);
        Assert.True(AuditChain.Verify(rows, Keys, new AuditCheckpoint("2026.12.0", 4, rows[3].Hash, T0)).Verified);
        var other = AuditChain.Verify(rows, Keys, new AuditCheckpoint("2026.12.0", 2, rows[0].Hash, T0));
        Assert.Equal((false, 2L), (other.Verified, other.FirstBrokenSequence));
    }

    [Fact]
    public void AuditKeys_ShortKeyOrCurrentMissing_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => AuditKeys.Single("k1", new byte[16]));
        Assert.Throws<ArgumentException>(() => new AuditKeys("k2", new Dictionary<string, byte[]> { ["k1"] = new byte[32] }));
    }

    [Fact]
    public void CanonicalJson_KeyOrderAndWhitespace_DoNotChangeTheHash()
    {
        Assert.Equal(CanonicalJson.Hash("""{ "b": [1, {"d": 2, "c": 3}], "a": "x" }"""), CanonicalJson.Hash("""{"a":"x","b":[1,{"c":3,"d":2}]}"""));
        Assert.Equal("""{"a":"x","b":[1,{"c":3,"d":2}]}""", CanonicalJson.Canonicalize("""{ "b": [1, {"d": 2, "c": 3}], "a": "x" }"""));
        Assert.NotEqual(CanonicalJson.Hash("""{"a":[1,2]}"""), CanonicalJson.Hash("""{"a":[2,1]}"""));
    }

    [Fact]
    public void PolicyHash_SamePolicy_IsStableAndAnEditChangesIt()
    {
        var policy = ReleasePolicyDefaults.Create();

        Assert.Equal(CanonicalJson.PolicyHash(policy), CanonicalJson.PolicyHash(PolicyJson.Deserialize(PolicyJson.Serialize(policy))));
        Assert.NotEqual(CanonicalJson.PolicyHash(policy), CanonicalJson.PolicyHash(policy with { TimeZone = "Europe/London" }));
    }

    [Theory]
    [InlineData(TimelineKinds.Deployment, AuditActions.Deployment)]
    [InlineData(TimelineKinds.Rollback, AuditActions.Rollback)]
    [InlineData(TimelineKinds.Outcome, AuditActions.Outcome)]
    public void AuditEntryOf_DeploymentRollbackOrOutcomeLine_IsAnOrchestrationRowKeyedByTheLine(string kind, string action)
    {
        var change = new ReleaseStatusChange("r-1", T0, ReleasePhase.Deployment, ReleaseStatus.Active, "Deploying.",
            new TimelineEntry(17, T0, ReleasePhase.Deployment, kind, "Deployed to production."), "deploy:production");

        var entry = RecordReleaseStatus.AuditEntryOf(change)!;

        Assert.Equal(("r-1", "status:17", action, AuditEntry.System, AuditChannels.Orchestration, "Deployed to production."),
            (entry.ReleaseId, entry.EventKey, entry.Action, entry.By, entry.Channel, entry.Summary));
        Assert.Equal(("Deployment", "Active", "deploy:production"), (entry.Data!["phase"], entry.Data["status"], entry.Data["stage"]));

        // The same line as a note (the standing unchanged): the same row, with the phase the line names.
        var note = RecordReleaseStatus.AuditEntryOf(new TimelineNote("r-1", change.Line))!;
        Assert.Equal(("status:17", action, "Deployment"), (note.EventKey, note.Action, note.Data!["phase"]));
        Assert.False(note.Data.ContainsKey("status"));
    }

    [Fact]
    public void AuditEntryOf_OtherLinesWarningsOrOtherWriters_IsNull()
    {
        var gate = new TimelineEntry(3, T0, ReleasePhase.Development, TimelineKinds.Gate, "Gate passed.");

        Assert.Null(RecordReleaseStatus.AuditEntryOf(new ReleaseStatusChange("r-1", T0, ReleasePhase.Development, ReleaseStatus.Active, "Gate.", gate)));
        Assert.Null(RecordReleaseStatus.AuditEntryOf(new TimelineNote("r-1", gate)));
        Assert.Null(RecordReleaseStatus.AuditEntryOf(WarningChange.Raise("r-1", new ReleaseWarning("stranded", "Stranded.", T0))));
        Assert.Null(RecordReleaseStatus.AuditEntryOf(new TimelineNote("r-1", gate with { Kind = TimelineKinds.Outcome, Writer = TimelineWriters.Communications })));
    }
}

public class EmergencyReviewEvidenceTests
{
    private static readonly ReleasePolicy Policy = ReleasePolicyDefaults.Create();

    [Fact]
    public void Validate_AttestationOfTheEmergencyReview_IsTheReviewItemAttestedByTheReviewerRoles()
    {
        var result = EvidenceRequestValidator.Validate(Policy, new EvidenceBody("emergency-review", "attestation", "rm@example.com", Note: "Root cause fixed"));

        Assert.True(result.IsValid, string.Join("; ", result.Errors.SelectMany(e => e.Value)));
        Assert.Equal("emergency-review", result.Value!.Item.Id);
        Assert.Equal(Policy.EmergencyReview.ReviewerRoles, result.Value.Item.AttestationRoles);
        Assert.True(GateItemInputs.IsEmergencyReview(Policy, " Emergency-Review "));
    }

    [Theory]
    [InlineData("evidence", "kind")]
    [InlineData("waiver", "kind")]
    public void Validate_EmergencyReviewOfAnotherKind_Is400OnKind(string kind, string field)
    {
        var result = EvidenceRequestValidator.Validate(Policy, new EvidenceBody("emergency-review", kind, "rm@example.com", Passed: kind == "evidence" ? true : null, Reason: kind == "waiver" ? "No time" : null));

        Assert.False(result.IsValid);
        Assert.Equal([field], result.Errors.Keys);
    }

    [Fact]
    public void Validate_PolicyNamesAnotherReviewItem_AcceptsThatOneOnly()
    {
        var policy = Policy with { EmergencyReview = Policy.EmergencyReview with { EvidenceItem = "post-incident-review" } };

        Assert.True(EvidenceRequestValidator.Validate(policy, new EvidenceBody("post-incident-review", "attestation", "rm@example.com")).IsValid);
        Assert.False(EvidenceRequestValidator.Validate(policy, new EvidenceBody("emergency-review", "attestation", "rm@example.com")).IsValid);
    }

    [Fact]
    public void HowToRecord_NamesTheRouteTheItemAndTheRoles()
    {
        var text = EmergencyReviewStep.HowToRecord("2026.12.1-hf", "emergency-review", ["release-manager", "technical-lead"]);

        Assert.Contains("POST /api/releases/2026.12.1-hf/evidence", text, StringComparison.Ordinal);
        Assert.Contains("""{ "item": "emergency-review", "kind": "attestation", "by": "<your email address>", "note": "<findings>" }""", text, StringComparison.Ordinal);
        Assert.Contains("release-manager or technical-lead", text, StringComparison.Ordinal);
    }
}

/// <summary>The whole trail's manifest (issue 24, point 6): sealed with the audit key, any change or another key found.</summary>
public class AuditManifestTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 0, 30, 0, TimeSpan.Zero);

    private static readonly AuditKeys Keys = AuditKeys.Single("k1", Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private static readonly AuditCheckpoint[] Heads =
    [
        new("2026.12.1", 7, new string('b', 64), T0.AddHours(-3)),
        new("2026.12.0", 12, new string('a', 64), T0.AddDays(-1)),
    ];

    [Fact]
    public void Seal_HeadsInAnyOrder_SameManifestSealedWithTheCurrentKey_CountingEveryRow()
    {
        var manifest = AuditManifest.Seal(T0, Heads, Keys);

        Assert.Equal(["2026.12.0", "2026.12.1"], manifest.Heads.Select(h => h.ReleaseId));
        Assert.Equal((19L, "k1"), (manifest.Rows, manifest.KeyId));
        Assert.Equal(manifest.Mac, AuditManifest.Seal(T0, Heads.Reverse(), Keys).Mac);
        Assert.True(manifest.IsSealedBy(Keys));
    }

    [Fact]
    public void IsSealedBy_AHeadRemovedOrChanged_TheTimeMovedOrAnotherKey_IsFalse()
    {
        var manifest = AuditManifest.Seal(T0, Heads, Keys);
        var other = AuditKeys.Single("k1", Enumerable.Range(2, 32).Select(i => (byte)i).ToArray());

        Assert.False((manifest with { Heads = manifest.Heads.Skip(1).ToArray() }).IsSealedBy(Keys));
        Assert.False((manifest with { Heads = [manifest.Heads[0] with { Count = 11 }, manifest.Heads[1]] }).IsSealedBy(Keys));
        Assert.False((manifest with { At = T0.AddDays(1) }).IsSealedBy(Keys));
        Assert.False(manifest.IsSealedBy(other));
        Assert.False((manifest with { KeyId = "unknown" }).IsSealedBy(Keys));
        Assert.False(AuditManifest.Seal(T0, Heads, other).IsSealedBy(Keys));
    }
}
