using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Audit;

/// <summary>
/// A checkpoint of the whole audit trail (issue 24, point 6): the head (row count and last hash) of every release's trail and
/// stream known at <see cref="At"/>, sealed with the audit key (<see cref="Mac"/>, HMAC-SHA256 under <see cref="KeyId"/>).
/// Written daily by the <c>AuditManifest</c> job to the write-once checkpoint container, beside the per-release checkpoints
/// each append writes. Where those name one release's head, this names the set: a release whose rows, record and own
/// checkpoints were all deleted is still named here, and <c>GET /api/audit</c> reports it missing. A manifest not sealed
/// with a key of this deployment (written by someone without the key) does not verify.
/// </summary>
public sealed record AuditManifest(DateTimeOffset At, IReadOnlyList<AuditCheckpoint> Heads, string KeyId, string Mac)
{
    /// <summary>
    /// How far before a manifest's time the period index's marks are taken as written after it (a row written just before
    /// the manifest or while it was taken, whose head it may not name; clocks apart).
    /// </summary>
    public static readonly TimeSpan ClockMargin = TimeSpan.FromDays(1);

    /// <summary>The rows the trail counted in all: the sum of the heads' counts.</summary>
    public long Rows => Heads.Sum(h => h.Count);

    /// <summary>The manifest of <paramref name="heads"/> at <paramref name="at"/>, sealed with the current key of <paramref name="keys"/>.</summary>
    public static AuditManifest Seal(DateTimeOffset at, IEnumerable<AuditCheckpoint> heads, AuditKeys keys)
    {
        ArgumentNullException.ThrowIfNull(heads);
        ArgumentNullException.ThrowIfNull(keys);
        var ordered = heads.OrderBy(h => h.ReleaseId, StringComparer.Ordinal).ToArray();
        return new(at, ordered, keys.CurrentKeyId, MacOf(at, ordered, keys.CurrentKeyId, keys.Current));
    }

    /// <summary>Whether the manifest was sealed with a key of <paramref name="keys"/> and is unchanged since.</summary>
    public bool IsSealedBy(AuditKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return keys.TryGet(KeyId, out var key)
            && Mac is { Length: > 0 }
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(MacOf(At, Heads, KeyId, key)), Encoding.ASCII.GetBytes(Mac));
    }

    /// <summary>
    /// The canonical JSON the seal is computed over: the time (UTC, seven fractional digits), the key id, and the heads in
    /// ordinal order of their release, each as its release, count, last hash and time.
    /// </summary>
    public static string Content(DateTimeOffset at, IEnumerable<AuditCheckpoint> heads, string keyId)
    {
        ArgumentNullException.ThrowIfNull(heads);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("at", AuditChain.CanonicalTime(at));
            w.WriteStartArray("heads");
            foreach (var head in heads.OrderBy(h => h.ReleaseId, StringComparer.Ordinal))
            {
                w.WriteStartObject();
                w.WriteString("at", AuditChain.CanonicalTime(head.At));
                w.WriteNumber("count", head.Count);
                w.WriteString("lastHash", head.LastHash);
                w.WriteString("releaseId", head.ReleaseId);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("keyId", keyId);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string MacOf(DateTimeOffset at, IEnumerable<AuditCheckpoint> heads, string keyId, byte[] key) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Content(at, heads, keyId))));

    /// <summary>
    /// The trails that may have been written to since this manifest named their heads, as of <paramref name="now"/>: those
    /// the period index marks (a row's month or a late row's month of writing, <see cref="IAuditActivity.ReleaseIdsWrittenAsync"/>)
    /// in every month from the month of <see cref="At"/> less <see cref="ClockMargin"/> to the month of
    /// <paramref name="now"/>, whole months: a superset. Every other trail named here is whole as its head says (each row is
    /// marked before it is written), so its head anchors it as its latest checkpoint would. Two listings a month. The daily
    /// manifest re-reads these trails' checkpoints (<see cref="AuditManifestJob"/>); the export of a period reads the
    /// checkpoints of these only (<see cref="AuditPeriodExport"/>).
    /// </summary>
    public Task<IReadOnlyList<string>> WrittenSinceAsync(IAuditActivity activity, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var since = At - ClockMargin < now ? At - ClockMargin : now;
        return activity.ReleaseIdsWrittenAsync(DateOnly.FromDateTime(since.UtcDateTime), DateOnly.FromDateTime(now.UtcDateTime), cancellationToken);
    }
}
