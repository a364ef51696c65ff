using System.Globalization;
using System.Text;
using ReleaseManagement.Events;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Communications;

/// <summary>One merged change of a release, from a <c>change.merged</c> event.</summary>
public sealed record MergedChange(string? Number, string Title, string? Author, string? Url, IReadOnlyList<string> Labels, string Source, DateTimeOffset MergedAt);

/// <summary>
/// A release's notes from what the pipelines reported and what the release recorded: merged changes grouped by kind (from
/// their labels), artifacts and versions, gate evidence and waivers, approvals. Written as Markdown (CommonMark); the API
/// also serves it as HTML.
/// </summary>
public static class ReleaseNotes
{
    /// <summary>The kinds the changes are grouped by, in order, with the label words that put a change there.</summary>
    public static readonly IReadOnlyList<(string Kind, string Heading, string[] Words)> Kinds =
    [
        ("security", "Security", ["security", "vulnerability", "cve"]),
        ("feature", "Features", ["feature", "enhancement", "feat"]),
        ("fix", "Fixes", ["bug", "fix", "bugfix", "hotfix", "defect"]),
        ("configuration", "Configuration", ["configuration", "config", "infrastructure", "settings"]),
    ];

    /// <summary>The kind a change's labels give it (the first matching kind of <see cref="Kinds"/>), else <c>other</c>.</summary>
    public static string KindOf(IEnumerable<string> labels)
    {
        var words = labels.SelectMany(l => l.ToLowerInvariant().Split([' ', ':', '/', '-', '_'], StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);
        return Kinds.FirstOrDefault(k => k.Words.Any(words.Contains)).Kind ?? "other";
    }

    public static IReadOnlyList<MergedChange> Changes(IEnumerable<CanonicalEvent> events) =>
        events.Where(e => e.Type == CanonicalEventType.ChangeMerged)
            .Select(e => new MergedChange(
                e.Attribute(EventAttributes.Change),
                e.Attribute(EventAttributes.Title) ?? $"Change {e.Attribute(EventAttributes.Change) ?? e.Attribute(EventAttributes.Commit) ?? e.EventId}",
                e.Attribute(EventAttributes.Author),
                e.Attribute(EventAttributes.Url),
                (e.Attribute(EventAttributes.Labels) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                e.Source,
                e.OccurredAt))
            .DistinctBy(c => (c.Source, c.Number ?? c.Url ?? c.Title))
            .OrderBy(c => c.MergedAt)
            .ToArray();

    /// <summary>
    /// The artifacts the release shipped: those published (<c>artifact.published</c>) and those its deployments name
    /// (<c>service.deployed</c> with an artifact), once per artifact and version (a deployment to each environment, or the
    /// publication and its deployments, make one line), in the order first reported, with every system that reported it.
    /// </summary>
    public static IReadOnlyList<(string System, string Artifact, string Version)> Artifacts(IEnumerable<CanonicalEvent> events) =>
        events.Where(e => e.Type == CanonicalEventType.ArtifactPublished
                || (e.Type == CanonicalEventType.ServiceDeployed && e.Attribute(EventAttributes.Artifact) is not null))
            .Select(e => (e.System, Artifact: e.Attribute(EventAttributes.Artifact) ?? "-", Version: e.Attribute(EventAttributes.Version) ?? "-"))
            .GroupBy(a => (a.Artifact, a.Version))
            .Select(g =>
            {
                var systems = g.Select(a => a.System).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
                return (System: systems.Length == 0 ? "-" : string.Join(", ", systems), g.Key.Artifact, g.Key.Version);
            })
            .ToArray();

    /// <summary>The notes in Markdown; times in UTC, or local to <paramref name="zone"/> when given (the notes a notice attaches).</summary>
    /// <param name="policy">The policy the release runs under: with it the notes list the documents its type requires
    /// (<see cref="ReleaseNotesSections.Documents"/>); without it, no "Documents" section.</param>
    public static string Markdown(
        ReleaseRecord release, IReadOnlyList<CanonicalEvent> events, IReadOnlyList<TimelineEntry> timeline, TimeZoneInfo? zone = null, Policy.ReleasePolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(release);
        string At(DateTimeOffset at) => zone is null
            ? at.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)
            : Policy.PolicyTime.DescribeLocal(zone, at);
        var r = release.Request;
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Release notes: {Escape(r.Title)} ({Escape(r.Id)})\n\n");
        md.Append(CultureInfo.InvariantCulture, $"- **Type:** {r.Type}\n- **Systems:** {Escape(string.Join(", ", r.Systems))}\n- **Target date:** {r.TargetDate:yyyy-MM-dd}\n- **Status:** {release.Status}");
        md.Append(release.StatusReason is { Length: > 0 } reason ? $" ({Escape(reason)})\n" : "\n");
        if (release.Risk is { Length: > 0 } risk)
        {
            md.Append(CultureInfo.InvariantCulture, $"- **Risk:** {Escape(risk)}\n");
        }

        md.Append("\n## Changes\n\n");
        var changes = Changes(events);
        if (changes.Count == 0)
        {
            md.Append("No merged changes were reported for this release.\n");
        }

        foreach (var group in Kinds.Select(k => (Kind: k.Kind, Heading: k.Heading)).Append((Kind: "other", Heading: "Other changes")))
        {
            var inGroup = changes.Where(c => KindOf(c.Labels) == group.Kind).ToArray();
            if (inGroup.Length == 0)
            {
                continue;
            }

            md.Append(CultureInfo.InvariantCulture, $"### {group.Heading}\n\n");
            foreach (var c in inGroup)
            {
                var number = c.Number is null ? string.Empty : $"#{Escape(c.Number)} ";
                // Only an absolute http(s) link is linked (a javascript: or relative one from a payload stays plain text).
                var title = !Policy.ReleaseDocuments.IsLink(c.Url) ? Escape(c.Title) : $"[{Escape(c.Title)}]({c.Url})";
                md.Append(CultureInfo.InvariantCulture, $"- {number}{title}");
                md.Append(c.Author is null ? string.Empty : $" by {Escape(c.Author)}");
                md.Append(c.Labels.Count == 0 ? string.Empty : $" ({Escape(string.Join(", ", c.Labels))})");
                md.Append('\n');
            }

            md.Append('\n');
        }

        md.Append(ReleaseNotesSections.KnownIssuesMarkdown(ReleaseNotesSections.KnownIssues(release, events), At));
        if (policy is not null)
        {
            md.Append(ReleaseNotesSections.DocumentsMarkdown(ReleaseNotesSections.Documents(policy, release, events)));
        }

        var artifacts = Artifacts(events);
        md.Append("\n## Artifacts and versions\n\n");
        md.Append(artifacts.Count == 0 ? "None reported.\n" : string.Concat(artifacts.Select(a => $"- {Escape(a.System)}: `{a.Artifact}` version {Escape(a.Version)}\n")));

        var deployments = events.Where(e => e.Type is CanonicalEventType.ServiceDeployed or CanonicalEventType.ServiceRolledBack).ToArray();
        if (deployments.Length > 0)
        {
            md.Append("\n## Deployments\n\n");
            foreach (var d in deployments)
            {
                var what = d.Type == CanonicalEventType.ServiceRolledBack ? "rolled back" : "deployed";
                md.Append(CultureInfo.InvariantCulture, $"- {Escape(d.System ?? "-")} {what} to {Escape(d.Environment ?? "-")} at {At(d.OccurredAt)}: {Escape(d.Outcome ?? "-")}\n");
            }
        }

        md.Append("\n## Gate evidence and waivers\n\n");
        var gates = release.Gates ?? [];
        md.Append(gates.Count == 0 ? "No gate verdicts yet.\n" : string.Concat(gates.Select(g =>
            $"- {Escape(g.Item)}: **{Escape(g.Verdict)}**{(g.Reason is { Length: > 0 } why ? $" ({Escape(why)})" : string.Empty)}\n")));
        var waivers = events.Where(e => e.Type == CanonicalEventType.GateEvidence && e.Attribute(EventAttributes.Waiver) is not null).ToArray();
        foreach (var w in waivers)
        {
            md.Append(CultureInfo.InvariantCulture, $"- Waiver of {Escape(w.Attribute(EventAttributes.GateItem) ?? "-")} by {Escape(w.Attribute(EventAttributes.Approver) ?? "-")}: {Escape(w.Attribute(EventAttributes.Waiver)!)}\n");
        }

        md.Append("\n## Approvals\n\n");
        var approvals = timeline.Where(t => t.Kind == Orchestration.TimelineKinds.Approval).ToArray();
        md.Append(approvals.Length == 0 ? "No approvals recorded yet.\n" : string.Concat(approvals.Select(a => $"- {At(a.At)}: {Escape(a.Message)}\n")));
        return md.ToString();
    }

    /// <summary>Escapes the characters Markdown would read as markup or HTML in text from outside.</summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            if (ch is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '#' or '|' or '!')
            {
                sb.Append('\\');
            }

            sb.Append(ch is '\r' or '\n' ? ' ' : ch);
        }

        return sb.ToString();
    }
}
