using System.Security.Cryptography;
using System.Text;

namespace ReleaseManagement.Events;

/// <summary>
/// Azure DevOps service hooks: HTTP Basic credentials (the configured user name and any configured password) and a
/// shared header value configured on the subscription. Both are compared in constant time.
/// </summary>
public static class AzureDevOpsCredentials
{
    public static SignatureCheck Verify(string? authorization, string? headerValue, AzureDevOpsWebhookOptions options) =>
        Verify(authorization, headerValue, options, out _);

    /// <summary>Verifies; <paramref name="secretName"/> is the name of the password that matched (set only when valid).</summary>
    public static SignatureCheck Verify(string? authorization, string? headerValue, AzureDevOpsWebhookOptions options, out string? secretName)
    {
        ArgumentNullException.ThrowIfNull(options);
        secretName = null;
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
        var (names, passwords) = Hmac.Split(options.Secrets);
        var password = Match(decoded[(colon + 1)..], passwords);
        var headerOk = Match(headerValue, options.HeaderValues) >= 0;
        if (userOk & password >= 0 & headerOk)
        {
            secretName = names[password];
            return SignatureCheck.Valid;
        }

        return SignatureCheck.Invalid;
    }

    public static string BasicHeader(string username, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}"));

    /// <summary>The index of the secret equal to <paramref name="provided"/>, or -1; every secret is compared.</summary>
    private static int Match(string provided, IReadOnlyList<string> secrets)
    {
        var match = -1;
        for (var i = 0; i < secrets.Count; i++)
        {
            if (SameSecret(provided, secrets[i]) && match < 0)
            {
                match = i;
            }
        }

        return match;
    }

    // Hashing first makes the comparison independent of the lengths too.
    private static bool SameSecret(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
}
