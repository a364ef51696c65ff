using System.Globalization;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Approvals;

/// <summary>
/// The release's fields as the approval templates show them (the email and the confirmation page alike):
/// <c>releaseTitle</c>, <c>releaseId</c>, <c>releaseType</c>, <c>systems</c>, <c>targetDate</c>, <c>requestedBy</c>.
/// </summary>
public static class ReleaseTemplateFields
{
    public const string NotGiven = "(not given)";

    /// <summary>A new dictionary of the release's fields; callers add the values of their own template.</summary>
    public static Dictionary<string, string?> For(ReleaseRequest release) => new(StringComparer.Ordinal)
    {
        ["releaseTitle"] = release.Title,
        ["releaseId"] = release.Id,
        ["releaseType"] = release.Type.ToString(),
        ["systems"] = string.Join(", ", release.Systems),
        ["targetDate"] = release.TargetDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["requestedBy"] = release.RequestedBy ?? NotGiven,
    };
}
