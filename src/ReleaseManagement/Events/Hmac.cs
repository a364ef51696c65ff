using System.Security.Cryptography;
using System.Text;

namespace ReleaseManagement.Events;

/// <summary>HMAC-SHA256 helpers shared by the schemes; every comparison is constant-time.</summary>
internal static class Hmac
{
    public static byte[] Compute(string secret, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    /// <summary>Parses lower- or upper-case hex, optionally after "sha256="; null when it is not a SHA-256 digest.</summary>
    public static byte[]? ParseDigest(string value)
    {
        var hex = value.Trim();
        if (hex.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[7..];
        }

        if (hex.Length != 64)
        {
            return null;
        }

        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static bool MatchesAny(byte[] provided, IReadOnlyList<string> secrets, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> body) =>
        Match(provided, secrets, prefix, body) >= 0;

    /// <summary>The index of the secret <paramref name="provided"/> was made with, or -1.</summary>
    public static int Match(byte[] provided, IReadOnlyList<string> secrets, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> body)
    {
        var match = -1;
        for (var i = 0; i < secrets.Count; i++)
        {
            // Every secret is tried, so the time taken does not tell which one matched (nor whether one did).
            if (CryptographicOperations.FixedTimeEquals(Compute(secrets[i], prefix, body), provided) && match < 0)
            {
                match = i;
            }
        }

        return match;
    }

    /// <summary>A named secrets map as parallel lists, in a stable order (names ordinal), for <see cref="Match"/>.</summary>
    public static (string[] Names, string[] Secrets) Split(IReadOnlyDictionary<string, string> secrets)
    {
        var ordered = secrets.OrderBy(s => s.Key, StringComparer.Ordinal).ToArray();
        return (ordered.Select(s => s.Key).ToArray(), ordered.Select(s => s.Value).ToArray());
    }
}
