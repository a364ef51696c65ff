using System.ComponentModel.DataAnnotations;

namespace ReleaseManagement.Api.Approvals;

/// <summary>Settings under <c>Approvals</c> (app settings <c>Approvals__*</c>).</summary>
public sealed class ApprovalOptions : IValidatableObject
{
    public const string Section = "Approvals";
    public const int MinFormKeyBytes = 32;

    /// <summary>The public address of the app, as approvers' browsers reach it: links are <c>{PublicBaseUrl}/api/approvals/{token}</c>.</summary>
    public string PublicBaseUrl { get; set; } = string.Empty;

    /// <summary>
    /// Base64 of at least 32 random bytes: the key of the HMAC that binds each approval form to its link. Keep it secret
    /// (Key Vault reference in Azure); changing it only invalidates forms that are open at that moment.
    /// </summary>
    public string FormKey { get; set; } = string.Empty;

    /// <summary>
    /// When true (the default; the local host sets false), a decision needs the App Service authentication principal
    /// (<c>X-MS-CLIENT-PRINCIPAL</c>) and it must be the approver. Only safe with App Service authentication enabled,
    /// which removes that header from clients' requests.
    /// </summary>
    public bool RequireSignedInApprover { get; set; } = true;

    /// <summary>When false (the default), the person who requested a release cannot approve it.</summary>
    public bool RequesterMayApprove { get; set; }

    public byte[] FormKeyBytes() => Convert.FromBase64String(FormKey);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            yield return new ValidationResult(
                "Approvals:PublicBaseUrl must be the app's absolute http(s) address, for example https://releases.example.com.",
                [nameof(PublicBaseUrl)]);
        }

        byte[]? key = null;
        try
        {
            key = string.IsNullOrWhiteSpace(FormKey) ? null : Convert.FromBase64String(FormKey);
        }
        catch (FormatException)
        {
        }

        if (key is null || key.Length < MinFormKeyBytes)
        {
            yield return new ValidationResult(
                $"Approvals:FormKey must be base64 of at least {MinFormKeyBytes} random bytes (for example the output of 'openssl rand -base64 32').",
                [nameof(FormKey)]);
        }
    }
}
