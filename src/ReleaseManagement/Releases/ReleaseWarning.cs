namespace ReleaseManagement.Releases;

/// <summary>
/// A warning the release carries while it goes on: shown on the release, its card on the dashboard board and in the API.
/// </summary>
/// <param name="Code">What the warning is about, one per release (a later warning of the same code replaces it), e.g.
/// <c>missing-health-data</c>, <c>notice-not-sent</c>, <c>window-conflict</c>. Lower-case letters, digits and dashes.</param>
/// <param name="Message">The warning in words, for people.</param>
/// <param name="At">When it was raised.</param>
public sealed record ReleaseWarning(string Code, string Message, DateTimeOffset At)
{
    /// <summary>Whether <paramref name="code"/> is a valid warning code (it becomes part of a storage column name).</summary>
    public static bool IsValidCode(string code) =>
        code.Length is > 0 and <= 60 && code.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
}
