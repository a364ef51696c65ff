using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ReleaseManagement.Events;

/// <summary>
/// CDEvents over HTTP (our scheme, Stripe-like): <c>X-Signature-Timestamp</c> is Unix seconds and <c>X-Signature</c> is
/// the hex HMAC-SHA256 of <c>timestamp + "." + body</c>. A timestamp outside the tolerance is refused, so a captured
/// request cannot be replayed later.
/// </summary>
public static class CDEventsSignature
{
    public const string Header = "X-Signature";
    public const string TimestampHeader = "X-Signature-Timestamp";

    public static SignatureCheck Verify(
        ReadOnlySpan<byte> body, string? signature, string? timestamp, IReadOnlyList<string> secrets, DateTimeOffset now, TimeSpan tolerance) =>
        Verify(body, signature, timestamp, secrets, now, tolerance, out _);

    /// <summary>Verifies against named secrets; <paramref name="secretName"/> is the name of the one that matched (set only when valid).</summary>
    public static SignatureCheck Verify(
        ReadOnlySpan<byte> body, string? signature, string? timestamp, IReadOnlyDictionary<string, string> secrets, DateTimeOffset now, TimeSpan tolerance,
        out string? secretName)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var (names, values) = Hmac.Split(secrets);
        var check = Verify(body, signature, timestamp, values, now, tolerance, out var index);
        secretName = check == SignatureCheck.Valid ? names[index] : null;
        return check;
    }

    private static SignatureCheck Verify(
        ReadOnlySpan<byte> body, string? signature, string? timestamp, IReadOnlyList<string> secrets, DateTimeOffset now, TimeSpan tolerance, out int index)
    {
        index = -1;
        if (secrets.Count == 0)
        {
            return SignatureCheck.NotConfigured;
        }

        if (string.IsNullOrWhiteSpace(signature) || string.IsNullOrWhiteSpace(timestamp))
        {
            return SignatureCheck.Missing;
        }

        var ts = timestamp.Trim();
        if (!long.TryParse(ts, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || Hmac.ParseDigest(signature) is not { } provided)
        {
            return SignatureCheck.Invalid;
        }

        index = Hmac.Match(provided, secrets, Encoding.ASCII.GetBytes(ts + "."), body);
        if (index < 0)
        {
            return SignatureCheck.Invalid;
        }

        var signedAt = seconds > 253402300799 ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeSeconds(seconds);
        return (now - signedAt).Duration() <= tolerance ? SignatureCheck.Valid : SignatureCheck.Stale;
    }

    public static string Sign(ReadOnlySpan<byte> body, long unixSeconds, string secret) =>
        Convert.ToHexStringLower(Hmac.Compute(secret, Encoding.ASCII.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + "."), body));
}
