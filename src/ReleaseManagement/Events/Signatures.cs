using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ReleaseManagement.Events;

/// <summary>What a signature or credential check found.</summary>
public enum SignatureCheck
{
    Valid,

    /// <summary>No secret is configured for the source: every delivery is refused.</summary>
    NotConfigured,

    /// <summary>The signature, timestamp or credentials are absent.</summary>
    Missing,

    /// <summary>Present but matching no configured secret.</summary>
    Invalid,

    /// <summary>Correctly signed but outside the accepted time window (a replay or a skewed clock).</summary>
    Stale,
}

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

/// <summary>GitHub: <c>X-Hub-Signature-256: sha256=HEX</c>, HMAC-SHA256 of the raw body with the webhook secret.</summary>
public static class GitHubSignature
{
    public const string Header = "X-Hub-Signature-256";
    public const string EventHeader = "X-GitHub-Event";
    public const string DeliveryHeader = "X-GitHub-Delivery";

    public static SignatureCheck Verify(ReadOnlySpan<byte> body, string? header, IReadOnlyList<string> secrets)
    {
        if (secrets.Count == 0)
        {
            return SignatureCheck.NotConfigured;
        }

        if (string.IsNullOrWhiteSpace(header))
        {
            return SignatureCheck.Missing;
        }

        if (!header.TrimStart().StartsWith("sha256=", StringComparison.Ordinal) || Hmac.ParseDigest(header) is not { } provided)
        {
            return SignatureCheck.Invalid;
        }

        return Hmac.MatchesAny(provided, secrets, [], body) ? SignatureCheck.Valid : SignatureCheck.Invalid;
    }

    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(Hmac.Compute(secret, [], body));
}

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
        ReadOnlySpan<byte> body, string? signature, string? timestamp, IReadOnlyList<string> secrets, DateTimeOffset now, TimeSpan tolerance)
    {
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

        if (!Hmac.MatchesAny(provided, secrets, Encoding.ASCII.GetBytes(ts + "."), body))
        {
            return SignatureCheck.Invalid;
        }

        var signedAt = seconds > 253402300799 ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeSeconds(seconds);
        return (now - signedAt).Duration() <= tolerance ? SignatureCheck.Valid : SignatureCheck.Stale;
    }

    public static string Sign(ReadOnlySpan<byte> body, long unixSeconds, string secret) =>
        Convert.ToHexStringLower(Hmac.Compute(secret, Encoding.ASCII.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + "."), body));
}

/// <summary>
/// Azure DevOps service hooks: HTTP Basic credentials (the configured user name and any configured password) and a
/// shared header value configured on the subscription. Both are compared in constant time.
/// </summary>
public static class AzureDevOpsCredentials
{
    public static SignatureCheck Verify(string? authorization, string? headerValue, AzureDevOpsWebhookOptions options)
    {
        if (options.Secrets.Count == 0 || options.HeaderValues.Count == 0)
        {
            return SignatureCheck.NotConfigured;
        }

        if (string.IsNullOrWhiteSpace(authorization) || string.IsNullOrEmpty(headerValue))
        {
            return SignatureCheck.Missing;
        }

        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return SignatureCheck.Invalid;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
        }
        catch (FormatException)
        {
            return SignatureCheck.Invalid;
        }

        var colon = decoded.IndexOf(':');
        if (colon < 0)
        {
            return SignatureCheck.Invalid;
        }

        var userOk = SameSecret(decoded[..colon], options.Username);
        var passwordOk = AnySecret(decoded[(colon + 1)..], options.Secrets);
        var headerOk = AnySecret(headerValue, options.HeaderValues);
        return userOk & passwordOk & headerOk ? SignatureCheck.Valid : SignatureCheck.Invalid;
    }

    public static string BasicHeader(string username, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}"));

    private static bool AnySecret(string provided, IReadOnlyList<string> secrets)
    {
        var match = false;
        foreach (var secret in secrets)
        {
            match |= SameSecret(provided, secret);
        }

        return match;
    }

    // Hashing first makes the comparison independent of the lengths too.
    private static bool SameSecret(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
}
