using ReleaseManagement.Audit;

namespace ReleaseManagement.Api.Audit;

/// <summary>The JSON answer of <c>GET /api/releases/{id}/audit</c>.</summary>
public sealed record AuditView(
    string ReleaseId,
    bool Verified,
    long? FirstBrokenSequence,
    string? Problem,
    string? PolicyHash,
    int Count,
    string LastHash,
    IReadOnlyList<AuditRowView> Entries)
{
    /// <summary>The data key of the captured policy's canonical JSON (row <c>policy</c>).</summary>
    public const string PolicyKey = "policy";

    /// <summary>The data key of the captured policy's SHA-256.</summary>
    public const string PolicyHashKey = "policyHash";

    public static AuditView From(string releaseId, IReadOnlyList<AuditRecord> rows, AuditVerification verification)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(verification);
        var policyHash = rows.Select(r => r.Entry.Data?.GetValueOrDefault(PolicyHashKey)).FirstOrDefault(h => h is not null);
        return new AuditView(
            releaseId,
            verification.Verified,
            verification.FirstBrokenSequence,
            verification.Problem,
            policyHash,
            rows.Count,
            rows.Count == 0 ? AuditChain.Genesis : rows[^1].Hash,
            rows.Select(r => new AuditRowView(
                r.Sequence, r.Entry.At, r.Entry.Action, r.Entry.By, r.Entry.SignedInAs, r.Entry.ClientAddress, r.Entry.Channel,
                r.Entry.Rule, r.Entry.Summary, r.Entry.Data ?? new Dictionary<string, string>(), r.Entry.EventKey, r.PreviousHash, r.Hash, r.KeyId)).ToArray());
    }
}

/// <summary>One row of the audit trail as the API shows it.</summary>
public sealed record AuditRowView(
    long Sequence,
    DateTimeOffset At,
    string Action,
    string By,
    string? SignedInAs,
    string? ClientAddress,
    string Channel,
    string? Rule,
    string Summary,
    IReadOnlyDictionary<string, string> Data,
    string EventKey,
    string PreviousHash,
    string Hash,
    string? KeyId);
