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

    public static bool MatchesAny(byte[] provided, IReadOnlyList<string> secrets, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> body)
    {
        var match = false;
        foreach (var secret in secrets)
        {
            // Every secret is tried, so the time taken does not tell which one matched.
            match |= CryptographicOperations.FixedTimeEquals(Compute(secret, prefix, body), provided);
        }

        return match;
    }
}
