namespace ReleaseManagement.Releases;

/// <summary>How a status update changes a release's warnings: set or replace by code, clear by code, keep the rest.</summary>
public static class WarningSet
{
    public static IReadOnlyList<ReleaseWarning>? Apply(IReadOnlyList<ReleaseWarning>? stored, ReleaseStatusUpdate update)
    {
        if (update.Warnings is null && update.ClearedWarnings is null)
        {
            return stored;
        }

        var byCode = (stored ?? []).ToDictionary(w => w.Code, StringComparer.Ordinal);
        foreach (var code in update.ClearedWarnings ?? [])
        {
            byCode.Remove(code);
        }

        foreach (var warning in update.Warnings ?? [])
        {
            byCode[warning.Code] = warning;
        }

        return byCode.Values.OrderBy(w => w.Code, StringComparer.Ordinal).ToArray();
    }
}
