using System.Security.Cryptography;
using System.Text;

namespace ReleaseManagement.Policy;

/// <summary>
/// Secret settings (<see cref="EnvironmentStandard.SecretSettings"/>) travel and are compared only as
/// <c>sha256:&lt;lower-case hex&gt;</c> of the trimmed value; a value already in that form is kept.
/// </summary>
public static class SecretHash
{
    public const string Prefix = "sha256:";

    /// <summary>What is shown instead of a secret's value.</summary>
    public const string Hidden = "(secret)";

    public static string Of(string value)
    {
        var text = value.Trim();
        return text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && text.Length == Prefix.Length + 64
            ? text.ToLowerInvariant()
            : Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
