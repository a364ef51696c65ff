using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

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

}
