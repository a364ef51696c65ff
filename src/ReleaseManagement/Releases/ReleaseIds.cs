using System.Text.RegularExpressions;

namespace ReleaseManagement.Releases;

/// <summary>
/// Release ids become orchestration instance ids, table keys and URL segments, so they are restricted
/// to characters that are safe in all three: letters, digits, '.', '_' and '-', starting with a letter or digit.
/// </summary>
public static partial class ReleaseIds
{
    public const int MaxLength = 64;

    public static bool IsValid(string? id) => id is not null && id.Length <= MaxLength && Pattern().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
