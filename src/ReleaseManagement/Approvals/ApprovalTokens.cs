using System.Security.Cryptography;
using System.Text;

namespace ReleaseManagement.Approvals;

/// <summary>
/// The secret in an approval link. A token is 256 random bits, base64url without padding (43 characters, safe in a URL
/// path). Only its SHA-256 hash is stored: a copy of the tables does not yield working links.
/// </summary>
public static class ApprovalTokens
{
    public const int TokenBytes = 32;
    public const int TokenLength = 43;

    /// <summary>A new token and the hash under which it is stored.</summary>
    public static (string Token, string Hash) Create()
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(TokenBytes));
        return (token, Hash(token));
    }

    /// <summary>True when <paramref name="token"/> has the shape of a token; anything else is not looked up at all.</summary>
    public static bool IsWellFormed(string? token)
    {
        if (token is null || token.Length != TokenLength)
        {
            return false;
        }

        foreach (var c in token)
        {
            if (!(c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The lowercase hex SHA-256 of the token's ASCII text.</summary>
    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    public static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
