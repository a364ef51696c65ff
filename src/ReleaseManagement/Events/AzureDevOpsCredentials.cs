using System.Security.Cryptography;
using System.Text;

namespace ReleaseManagement.Events;

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
