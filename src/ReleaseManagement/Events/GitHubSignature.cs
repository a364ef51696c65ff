using System.Security.Cryptography;

namespace ReleaseManagement.Events;

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
