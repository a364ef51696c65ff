using System.ComponentModel.DataAnnotations;
using ReleaseManagement.Audit;

namespace ReleaseManagement.Api.Audit;

/// <summary>
/// Settings under <c>Audit</c>: the keys that seal the audit trail (<see cref="AuditKeys"/>). Required: a host without
/// them does not start. In Azure the key is a Key Vault reference (<c>Audit__SigningKeys__k1</c>); the local host has a
/// development key of its own. To rotate: add the new key beside the old one, point <see cref="SigningKeyId"/> at it,
/// and keep the old one as long as the rows it sealed must verify.
/// </summary>
public sealed class AuditOptions : IValidatableObject
{
    public const string Section = "Audit";

    /// <summary>The id of the key new rows are sealed with (a key of <see cref="SigningKeys"/>).</summary>
    public string SigningKeyId { get; set; } = string.Empty;

    /// <summary>Key id to base64 of at least 32 random bytes ('openssl rand -base64 32').</summary>
    public Dictionary<string, string> SigningKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The keys, once <see cref="Validate"/> holds.</summary>
    public AuditKeys ToKeys() =>
        new(SigningKeyId, SigningKeys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value), StringComparer.Ordinal));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (id, value) in SigningKeys)
        {
            byte[]? key = null;
            try
            {
                key = Convert.FromBase64String(value ?? string.Empty);
            }
            catch (FormatException)
            {
            }

            if (key is null || key.Length < AuditKeys.MinKeyBytes)
            {
                yield return new ValidationResult(
                    $"Audit:SigningKeys:{id} must be base64 of at least {AuditKeys.MinKeyBytes} random bytes ('openssl rand -base64 32').",
                    [nameof(SigningKeys)]);
            }
        }

        if (string.IsNullOrWhiteSpace(SigningKeyId) || !SigningKeys.ContainsKey(SigningKeyId))
        {
            yield return new ValidationResult(
                "Audit:SigningKeyId must name one of Audit:SigningKeys (the key that seals new audit rows); the audit trail cannot be written without it.",
                [nameof(SigningKeyId)]);
        }
    }
}
