using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ReleaseManagement.Audit;

/// <summary>
/// The keyed hash chain of an audit trail. Row n carries the hash of row n-1 (row 1: <see cref="Genesis"/>), the id of
/// the key that sealed it and its own hash: HMAC-SHA256 under that key (<see cref="AuditKeys"/>), lower-case hex, over the
/// canonical JSON of its sequence, the previous hash, the key id and every field of its entry (<see cref="Content"/>).
/// Editing a row changes its hash; deleting one leaves a gap in the sequence or a previous hash that matches nothing;
/// rows recomputed by someone without the key do not match; all are found by <see cref="Verify"/>.
/// </summary>
public static class AuditChain
{
    /// <summary>A time as the sealed content writes it: UTC ISO 8601 with seven fractional digits.</summary>
    public static string CanonicalTime(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A time as a verification problem names it (a checkpoint's, a manifest's): UTC to the second.</summary>
    public static string Describe(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The previous hash of the first row.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>
    /// Seals <paramref name="entry"/> as row <paramref name="sequence"/> after a row whose hash is
    /// <paramref name="previousHash"/>, with the current key of <paramref name="keys"/>.
    /// </summary>
    public static AuditRecord Seal(AuditEntry entry, long sequence, string previousHash, AuditKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return new(sequence, entry, previousHash, Hash(entry, sequence, previousHash, keys.CurrentKeyId, keys.Current), keys.CurrentKeyId);
    }

    private static string Hash(AuditEntry entry, long sequence, string previousHash, string keyId, byte[] key) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Content(entry, sequence, previousHash, keyId))));

    /// <summary>
    /// The canonical JSON a row's hash is computed over: an object with keys in ordinal order, no whitespace, the time as
    /// UTC ISO 8601 with seven fractional digits, absent values as null, <c>data</c> with its keys in ordinal order.
    /// </summary>
    public static string Content(AuditEntry entry, long sequence, string previousHash, string keyId)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("action", entry.Action);
            w.WriteString("at", CanonicalTime(entry.At));
            w.WriteString("by", entry.By);
            w.WriteString("channel", entry.Channel);
            w.WriteString("clientAddress", entry.ClientAddress);
            w.WriteStartObject("data");
            foreach (var (key, value) in (entry.Data ?? new Dictionary<string, string>()).OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
            w.WriteString("eventKey", entry.EventKey);
            w.WriteString("keyId", keyId);
            w.WriteString("previousHash", previousHash);
            w.WriteString("releaseId", entry.ReleaseId);
            w.WriteString("rule", entry.Rule);
            w.WriteNumber("sequence", sequence);
            w.WriteString("signedInAs", entry.SignedInAs);
            w.WriteString("summary", entry.Summary);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// Checks rows read in sequence order: numbered 1, 2, 3 ... without a gap, each carrying the previous row's hash, each
    /// sealed with a key of <paramref name="keys"/> and its hash matching its content under that key. The first row that
    /// fails is reported. A deleted last row leaves a shorter, intact chain: only a copy of the last hash kept elsewhere
    /// (the JSON answer's <c>lastHash</c>, kept by the auditor) shows it.
    /// </summary>
    public static AuditVerification Verify(IReadOnlyList<AuditRecord> rows, AuditKeys keys)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(keys);
        var previous = Genesis;
        long expected = 1;
        foreach (var row in rows)
        {
            if (row.Sequence != expected)
            {
                return new(false, expected, row.Sequence > expected
                    ? $"Row {expected} is missing (the next row is {row.Sequence})."
                    : $"Row {row.Sequence} appears out of order or twice.");
            }

            if (!string.Equals(row.PreviousHash, previous, StringComparison.Ordinal))
            {
                return new(false, row.Sequence, $"Row {row.Sequence} does not carry the hash of the row before it.");
            }

            if (!keys.TryGet(row.KeyId, out var key))
            {
                return new(false, row.Sequence, string.IsNullOrEmpty(row.KeyId)
                    ? $"Row {row.Sequence} names no key: it was not sealed by this application."
                    : $"Row {row.Sequence} is sealed with key '{row.KeyId}', which this deployment does not hold.");
            }

            if (!CryptographicOperations.FixedTimeEquals(
                    Encoding.ASCII.GetBytes(Hash(row.Entry, row.Sequence, row.PreviousHash, row.KeyId!, key)),
                    Encoding.ASCII.GetBytes(row.Hash)))
            {
                return new(false, row.Sequence, $"Row {row.Sequence} was changed after it was written: its content does not match its hash.");
            }

            previous = row.Hash;
            expected++;
        }

        return AuditVerification.Intact;
    }

    /// <summary>
    /// <see cref="Verify(IReadOnlyList{AuditRecord}, AuditKeys)"/>, then the rows against the release's latest
    /// <paramref name="checkpoint"/>: fewer rows than it counts (the last rows were deleted), or a row at its count whose
    /// hash is not the one it kept, is broken there.
    /// </summary>
    public static AuditVerification Verify(IReadOnlyList<AuditRecord> rows, AuditKeys keys, AuditCheckpoint? checkpoint)
    {
        var chain = Verify(rows, keys);
        if (!chain.Verified || checkpoint is null)
        {
            return chain;
        }

        var kept = Describe(checkpoint.At);
        if (rows.Count < checkpoint.Count)
        {
            return new(false, rows.Count + 1, rows.Count + 1 == checkpoint.Count
                ? $"Row {checkpoint.Count} is missing: the checkpoint of {kept} counts {checkpoint.Count} rows."
                : $"Rows {rows.Count + 1} to {checkpoint.Count} are missing: the checkpoint of {kept} counts {checkpoint.Count} rows.");
        }

        return string.Equals(rows[(int)checkpoint.Count - 1].Hash, checkpoint.LastHash, StringComparison.Ordinal)
            ? chain
            : new(false, checkpoint.Count, $"Row {checkpoint.Count} is not the row the checkpoint of {kept} kept.");
    }
}
