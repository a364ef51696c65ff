using System.ComponentModel.DataAnnotations;

namespace ReleaseManagement.Api.Communications;

/// <summary>Settings under <c>Communications</c> (app settings <c>Communications__*</c>).</summary>
public sealed class CommunicationsOptions : IValidatableObject
{
    public const string Section = "Communications";

    /// <summary>
    /// A folder of notice templates (<c>NAME.subject.liquid</c>, <c>NAME.html.liquid</c>, <c>NAME.txt.liquid</c>), and of
    /// approval email and page templates (<c>approval-*.liquid</c>), that replace the built-in ones of the same name;
    /// empty uses the built-in templates only.
    /// </summary>
    public string TemplatesPath { get; set; } = string.Empty;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(TemplatesPath) && !Directory.Exists(TemplatesPath))
        {
            yield return new ValidationResult($"Communications:TemplatesPath '{TemplatesPath}' is not a folder.", [nameof(TemplatesPath)]);
        }
    }
}
