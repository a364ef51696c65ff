using System.Security.Cryptography;

namespace ReleaseManagement.Events;

/// <summary>GitHub: <c>X-Hub-Signature-256: sha256=HEX</c>, HMAC-SHA256 of the raw body with the webhook secret.</summary>
public static class GitHubSignature
{
    public const string Header = "X-Hub-Signature-256";
    public const string EventHeader = "X-GitHub-Event";
    public const string DeliveryHeader = "X-GitHub-Delivery";

    public static SignatureCheck Verify(ReadOnlySpan<byte> body, string? header, IReadOnlyList<string> secrets) =>
        Verify(body, header, secrets, out _);

    /// <summary>Verifies against named secrets; <paramref name="secretName"/> is the name of the one that matched.</summary>
    public static SignatureCheck Verify(ReadOnlySpan<byte> body, string? header, IReadOnlyDictionary<string, string> secrets, out string? secretName)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var (names, values) = Hmac.Split(secrets);
        var check = Verify(body, header, values, out var index);
        secretName = index >= 0 ? names[index] : null;
        return check;
    }

    private static SignatureCheck Verify(ReadOnlySpan<byte> body, string? header, IReadOnlyList<string> secrets, out int index)
    {
        index = -1;
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

        index = Hmac.Match(provided, secrets, [], body);
        return index >= 0 ? SignatureCheck.Valid : SignatureCheck.Invalid;
    }

    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(Hmac.Compute(secret, [], body));
}
