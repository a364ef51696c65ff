using System.Reflection;

namespace ReleaseManagement;

/// <summary>
/// The string constants a names class declares, read once: the lists both hosts are held to (<c>ActivityNames.All</c>,
/// <c>OrchestratorNames.All</c>, <c>ApiRoutes.All</c>) are derived from the constants, never written out a second time.
/// </summary>
public static class StringConstants
{
    public static IReadOnlyList<string> Of(Type names, params string[] except) =>
        names.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string) && !except.Contains(f.Name, StringComparer.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
}
