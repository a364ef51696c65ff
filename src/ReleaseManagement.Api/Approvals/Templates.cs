using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;

namespace ReleaseManagement.Api.Approvals;

/// <summary>
/// The email and page templates: files under <c>Templates/</c>, embedded in this assembly. <c>{{name}}</c> inserts a
/// value HTML-encoded (in .html templates; as is in .txt ones); <c>{{{name}}}</c> inserts a fragment that was itself
/// rendered from a template. A placeholder without a value is an error, not an empty string.
/// </summary>
public static partial class Templates
{
    private static readonly ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);

    public static string Load(string name) => Cache.GetOrAdd(name, static n =>
    {
        using var stream = typeof(Templates).Assembly.GetManifestResourceStream($"Templates.{n}")
            ?? throw new InvalidOperationException($"There is no template '{n}'.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static string Render(string name, IReadOnlyDictionary<string, string?> values)
    {
        var html = name.EndsWith(".html", StringComparison.Ordinal);
        return Placeholder().Replace(Load(name), m =>
        {
            var raw = m.Groups[1].Success;
            var key = raw ? m.Groups[1].Value : m.Groups[2].Value;
            if (!values.TryGetValue(key, out var value))
            {
                throw new InvalidOperationException($"Template '{name}' needs a value for '{key}'.");
            }

            return raw || !html ? value ?? string.Empty : HtmlEncoder.Default.Encode(value ?? string.Empty);
        });
    }

    public static string Html(string? value) => HtmlEncoder.Default.Encode(value ?? string.Empty);

    [GeneratedRegex(@"\{\{\{([A-Za-z0-9_]+)\}\}\}|\{\{([A-Za-z0-9_]+)\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
