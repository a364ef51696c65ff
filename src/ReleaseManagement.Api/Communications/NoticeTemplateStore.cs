using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using Fluid;
using Microsoft.Extensions.Options;

namespace ReleaseManagement.Api.Communications;

/// <summary>
/// The notice templates (Liquid, rendered by Fluid): <c>NAME.subject.liquid</c>, <c>NAME.html.liquid</c> and
/// <c>NAME.txt.liquid</c>, each taken from the folder <see cref="CommunicationsOptions.TemplatesPath"/> when it holds that
/// file, else from the built-in ones embedded in this assembly (<c>Communications/Templates</c>). A name without its own
/// file falls back: <c>outcome-*</c> to <c>outcome</c>, anything to <c>notice</c>. <c>layout.html.liquid</c> and
/// <c>layout.txt.liquid</c> wrap every body (<c>{{ content }}</c>). A file changed in the folder is read again.
/// The approval emails and pages come from the same store (<see cref="RenderView"/>): <c>approval-*.liquid</c>, each with
/// its own file and a typed model.
/// </summary>
public sealed class NoticeTemplateStore(IOptions<CommunicationsOptions> options)
{
    private static readonly FluidParser Parser = new();
    private static readonly TemplateOptions Options = new();

    /// <summary>For typed models: their public properties are the variables, named in camelCase.</summary>
    private static readonly TemplateOptions ViewOptions = new()
    {
        MemberAccessStrategy = new UnsafeMemberAccessStrategy { MemberNameStrategy = MemberNameStrategies.CamelCase },
    };

    private readonly ConcurrentDictionary<string, (DateTime Stamp, IFluidTemplate Template)> _cache = new(StringComparer.Ordinal);

    /// <summary>Renders part <paramref name="part"/> (<c>subject</c>, <c>html</c>, <c>txt</c>) of <paramref name="name"/>.</summary>
    public string Render(string name, string part, IReadOnlyDictionary<string, object> model)
    {
        var template = Find(Candidates(name, part), $"{name}.{part}");
        var context = new TemplateContext(Options);
        foreach (var (key, value) in model)
        {
            context.SetValue(key, value);
        }

        var encoder = part == "html" ? HtmlEncoder.Default : (TextEncoder)NullEncoder.Default;
        var body = template.Render(context, encoder);
        if (part == "subject")
        {
            return string.Join(' ', body.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        context.SetValue("content", new Fluid.Values.StringValue(body, encode: false));
        return Find(Candidates("layout", part), $"layout.{part}").Render(context, encoder);
    }

    /// <summary>
    /// Renders part <paramref name="part"/> (<c>subject</c>, <c>html</c>, <c>txt</c>) of <paramref name="name"/>, which
    /// must have its own file (no fallback), with a typed model (a record) whose public properties are the variables,
    /// named in camelCase; the body is then wrapped in <paramref name="layout"/> (<c>{{ content }}</c>, the same model's
    /// variables) when one is named. <paramref name="values"/> are further variables for both (a page's <c>title</c>).
    /// </summary>
    public string RenderView(string name, string part, object model, string? layout = null, IReadOnlyDictionary<string, object>? values = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var context = new TemplateContext(model, ViewOptions);
        foreach (var (key, value) in values ?? new Dictionary<string, object>())
        {
            context.SetValue(key, value);
        }

        var encoder = part == "subject" || part == "txt" ? (TextEncoder)NullEncoder.Default : HtmlEncoder.Default;
        var body = Find([$"{name}.{part}.liquid"], $"{name}.{part}").Render(context, encoder);
        if (part == "subject")
        {
            return string.Join(' ', body.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        if (layout is null)
        {
            return body;
        }

        context.SetValue("content", new Fluid.Values.StringValue(body, encode: false));
        return Find([$"{layout}.{part}.liquid"], $"{layout}.{part}").Render(context, encoder);
    }

    /// <summary>The template file names looked for, in order, for <paramref name="name"/>.</summary>
    public static IEnumerable<string> Candidates(string name, string part)
    {
        yield return $"{name}.{part}.liquid";
        if (name.StartsWith("outcome-", StringComparison.Ordinal))
        {
            yield return $"outcome.{part}.liquid";
        }

        yield return $"notice.{part}.liquid";
    }

    /// <summary>Parses a template, saying what is wrong with it (a template folder is checked this way in tests).</summary>
    public static IFluidTemplate Parse(string source, string file) =>
        Parser.TryParse(source, out var template, out var error) ? template : throw new InvalidOperationException($"Notice template {file}: {error}");

    private IFluidTemplate Find(IEnumerable<string> candidates, string what)
    {
        foreach (var file in candidates)
        {
            if (!string.IsNullOrWhiteSpace(options.Value.TemplatesPath) && Path.Combine(options.Value.TemplatesPath, file) is var path && File.Exists(path))
            {
                var stamp = File.GetLastWriteTimeUtc(path);
                if (_cache.TryGetValue(path, out var cached) && cached.Stamp == stamp)
                {
                    return cached.Template;
                }

                var parsed = Parse(File.ReadAllText(path), path);
                _cache[path] = (stamp, parsed);
                return parsed;
            }

            if (_cache.TryGetValue("builtin:" + file, out var builtin))
            {
                return builtin.Template;
            }

            using var stream = typeof(NoticeTemplateStore).Assembly.GetManifestResourceStream($"Notices.{file}");
            if (stream is not null)
            {
                using var reader = new StreamReader(stream);
                var parsed = Parse(reader.ReadToEnd(), file);
                _cache["builtin:" + file] = (DateTime.MinValue, parsed);
                return parsed;
            }
        }

        throw new InvalidOperationException($"No template for {what}.");
    }

    /// <summary>The built-in template files, by name.</summary>
    public static IReadOnlyList<string> BuiltIn() =>
        typeof(NoticeTemplateStore).Assembly.GetManifestResourceNames().Where(n => n.StartsWith("Notices.", StringComparison.Ordinal)).Select(n => n["Notices.".Length..]).Order(StringComparer.Ordinal).ToArray();
}
