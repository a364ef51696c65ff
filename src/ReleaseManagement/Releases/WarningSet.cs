namespace ReleaseManagement.Releases;

/// <summary>How a <see cref="WarningChange"/> changes a release's warnings: set or replace by code, clear by code, keep the rest.</summary>
public static class WarningSet
{
    public static IReadOnlyList<ReleaseWarning>? Apply(IReadOnlyList<ReleaseWarning>? stored, WarningChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var byCode = (stored ?? []).ToDictionary(w => w.Code, StringComparer.Ordinal);
        foreach (var code in change.Cleared)
        {
            byCode.Remove(code);
        }

        foreach (var warning in change.Set)
        {
            byCode[warning.Code] = warning;
        }

        // None left reads as none stored, as the table store reads it.
        var warnings = byCode.Values.OrderBy(w => w.Code, StringComparer.Ordinal).ToArray();
        return warnings.Length == 0 ? null : warnings;
    }
}
