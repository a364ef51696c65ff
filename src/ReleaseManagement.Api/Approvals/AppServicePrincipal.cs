using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ReleaseManagement.Api.Approvals;

/// <summary>
/// The signed-in user as App Service authentication passes it: header <c>X-MS-CLIENT-PRINCIPAL</c>, base64 of
/// <c>{"auth_typ":..., "name_typ":..., "claims":[{"typ":...,"val":...}]}</c>. The platform removes that header from
/// clients' requests, so it can be trusted only where App Service authentication is enabled.
/// </summary>
public sealed class AppServicePrincipal
{
    public const string Header = "X-MS-CLIENT-PRINCIPAL";

    private static readonly string[] IdentityClaimTypes =
    [
        "preferred_username",
        "email",
        "emails",
        "upn",
        "unique_name",
        "name",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
    ];

    private static readonly string[] RoleClaimTypes =
    [
        "roles",
        "groups",
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
    ];

    private AppServicePrincipal(string? authType, IReadOnlyList<string> identities, IReadOnlyList<string> roleClaims)
    {
        AuthType = authType;
        Identities = identities;
        RoleClaims = roleClaims;
    }

    public string? AuthType { get; }

    /// <summary>The user's sign-in names and email addresses found in the principal's claims.</summary>
    public IReadOnlyList<string> Identities { get; }

    /// <summary>
    /// The values of the principal's app-role and group claims (<c>roles</c>, <c>groups</c>, the principal's
    /// <c>role_typ</c>): what the policy's <c>access.roleClaims</c> maps to roles (<see cref="ReleaseManagement.Policy.AccessPolicy.RolesFromClaims"/>).
    /// </summary>
    public IReadOnlyList<string> RoleClaims { get; }

    public string Name => Identities.Count > 0 ? Identities[0] : "(unnamed)";

    public bool Is(string email) => Identities.Any(i => string.Equals(i.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The principal of a request, or null when there is none or it cannot be read.</summary>
    public static AppServicePrincipal? From(HttpRequest request) =>
        request.Headers.TryGetValue(Header, out var value) ? Parse(value.ToString()) : null;

    public static AppServicePrincipal? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header) || header.Length > 64 * 1024)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(header)));
            var root = doc.RootElement;
            var nameType = root.TryGetProperty("name_typ", out var nt) && nt.ValueKind == JsonValueKind.String ? nt.GetString() : null;
            var roleType = root.TryGetProperty("role_typ", out var rt) && rt.ValueKind == JsonValueKind.String ? rt.GetString() : null;
            var identities = new List<string>();
            var roleClaims = new List<string>();
            if (root.TryGetProperty("claims", out var claims) && claims.ValueKind == JsonValueKind.Array)
            {
                foreach (var claim in claims.EnumerateArray())
                {
                    var typ = claim.TryGetProperty("typ", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                    var val = claim.TryGetProperty("val", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                    if (typ is null || string.IsNullOrWhiteSpace(val))
                    {
                        continue;
                    }

                    if ((typ == nameType || IdentityClaimTypes.Contains(typ, StringComparer.OrdinalIgnoreCase)) && !identities.Contains(val, StringComparer.OrdinalIgnoreCase))
                    {
                        identities.Add(val);
                    }

                    if ((typ == roleType || RoleClaimTypes.Contains(typ, StringComparer.OrdinalIgnoreCase)) && !roleClaims.Contains(val, StringComparer.OrdinalIgnoreCase))
                    {
                        roleClaims.Add(val);
                    }
                }
            }

            var authType = root.TryGetProperty("auth_typ", out var at) && at.ValueKind == JsonValueKind.String ? at.GetString() : null;
            return identities.Count == 0 ? null : new AppServicePrincipal(authType, identities, roleClaims);
        }
        catch (Exception e) when (e is FormatException or JsonException or DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>Builds the header value for a user (tests, and documentation of the format).</summary>
    public static string Encode(string email, string authType = "aad") =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            auth_typ = authType,
            name_typ = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
            role_typ = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
            claims = new[]
            {
                new { typ = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", val = email },
                new { typ = "preferred_username", val = email },
            },
        })));
}
