using System.Text;
using System.Text.RegularExpressions;

namespace ReleaseManagement.Policy;

/// <summary>One problem with a policy: where (a JSON path such as <c>$.approvals['promotion:production'].timeout</c>) and why.</summary>
public sealed record PolicyError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>An invalid policy: carries every problem found, not only the first.</summary>
public sealed class ReleasePolicyException(string source, IReadOnlyList<PolicyError> errors)
    : Exception(Describe(source, errors))
{
    public string PolicySource => source;

    public IReadOnlyList<PolicyError> Errors { get; } = errors;

    private static string Describe(string source, IReadOnlyList<PolicyError> errors)
    {
        var text = new StringBuilder($"The release policy from {source} is invalid ({errors.Count} error{(errors.Count == 1 ? "" : "s")}):");
        foreach (var error in errors)
        {
            text.Append(System.Environment.NewLine).Append("  ").Append(error);
        }

        return text.ToString();
    }
}

/// <summary>Builds JSON paths in the notation errors use: <c>$.a.b[0]['c:d']</c>.</summary>
public static partial class PolicyPath
{
    public const string Root = "$";

    public static string Property(string parent, string name) =>
        SimpleName().IsMatch(name) ? $"{parent}.{name}" : $"{parent}['{name.Replace("\\", "\\\\").Replace("'", "\\'")}']";

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    /// <summary>Converts a JSON Pointer (<c>/approvals/promotion:plan/timeout</c>) to the path notation.</summary>
    public static string FromPointer(string pointer)
    {
        var path = Root;
        if (string.IsNullOrEmpty(pointer) || pointer == "#")
        {
            return path;
        }

        foreach (var raw in pointer.TrimStart('#').TrimStart('/').Split('/'))
        {
            var segment = raw.Replace("~1", "/").Replace("~0", "~");
            path = int.TryParse(segment, out var index) && index >= 0 && segment == index.ToString(System.Globalization.CultureInfo.InvariantCulture)
                ? Index(path, index)
                : Property(path, segment);
        }

        return path;
    }

    [GeneratedRegex("^[A-Za-z_$][A-Za-z0-9_$]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SimpleName();
}
