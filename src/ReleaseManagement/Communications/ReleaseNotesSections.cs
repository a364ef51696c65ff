using System.Globalization;
using System.Text;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Communications;

/// <summary>A known issue of a release: an open incident of one of its systems, or an issue a person added.</summary>
/// <param name="Incident">The incident's id, for an incident; null for an issue a person added.</param>
/// <param name="Url">Its link, only when it is an absolute http(s) URL (<see cref="ReleaseDocuments.IsLink"/>).</param>
public sealed record KnownIssue(string Title, string? Incident, string? System, string? Severity, string? Description, string? Url, string? By, DateTimeOffset At);

/// <summary>One required document of a release as its notes list it: its link, or the waiver that stands in for it, or missing.</summary>
public sealed record DocumentLine(string Id, string Description, string? Url, string? Title, string? Waived);

/// <summary>
/// The release notes' "Known issues" and "Documents" sections (<see cref="ReleaseNotes"/>): read from the release's events
/// and, for the documents, the policy it runs under and its gate verdicts. Outside text is escaped, links are only absolute
/// http(s) URLs.
/// </summary>
public static class ReleaseNotesSections
{
    /// <summary>
    /// The release's known issues, oldest first: each incident of one of its systems (or naming no system) reported on the
    /// release and not resolved by a later <c>incident.resolved</c> of the same id; then each issue a person added (evidence
    /// kind <c>known-issue</c>, <see cref="EvidenceKinds.KnownIssue"/>, through the API: a pipeline's event of that item is not one).
    /// </summary>
    public static IReadOnlyList<KnownIssue> KnownIssues(ReleaseRecord release, IEnumerable<CanonicalEvent> events)
    {
        ArgumentNullException.ThrowIfNull(release);
        var all = events.ToArray();
        var systems = release.Request.Systems.ToHashSet(StringComparer.OrdinalIgnoreCase);
        string Key(CanonicalEvent e) => e.Attribute(EventAttributes.Incident) ?? e.EventId;
        var incidents = all.Where(e => e.Type == CanonicalEventType.IncidentDetected && (e.System is null || systems.Contains(e.System)))
            .GroupBy(Key, StringComparer.Ordinal)
            .Select(g => g.OrderBy(e => e.OccurredAt).First())
            .Where(d => !all.Any(r => r.Type == CanonicalEventType.IncidentResolved && Key(r) == Key(d) && r.OccurredAt >= d.OccurredAt))
            .Select(d => new KnownIssue(
                d.Attribute(EventAttributes.Title) ?? d.Attribute(EventAttributes.Reason) ?? $"Incident {Key(d)}",
                Key(d), d.System, d.Attribute(EventAttributes.Severity), null, Link(d.Attribute(EventAttributes.Url)), null, d.OccurredAt));
        // A person's word only (the evidence API's events): a pipeline reports an issue as an incident.
        var added = all.Where(e => e.Type == CanonicalEventType.GateEvidence && e.Source == EventSources.Api
                && string.Equals(e.Attribute(EventAttributes.GateItem), GateItemInputs.KnownIssueItem, StringComparison.OrdinalIgnoreCase)
                && e.Attribute(EventAttributes.Title) is { Length: > 0 })
            .Select(e => new KnownIssue(e.Attribute(EventAttributes.Title)!, null, null, null, e.Attribute(EventAttributes.Note),
                Link(e.Attribute(EventAttributes.Url)), e.Attribute(EventAttributes.Approver), e.OccurredAt));
        return incidents.OrderBy(i => i.At).Concat(added.OrderBy(i => i.At)).ToArray();
    }

    /// <summary>
    /// The documents a release of its type requires (<see cref="ReleaseDocuments.Required"/>), in the policy's order: each
    /// with the latest link reported for it, else the waiver its gate verdict records (the lifecycle's judgement of who may
    /// waive), else missing.
    /// </summary>
    public static IReadOnlyList<DocumentLine> Documents(ReleasePolicy policy, ReleaseRecord release, IEnumerable<CanonicalEvent> events)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(release);
        var all = events.ToArray();
        return ReleaseDocuments.Required(policy, release.Request.Type).Select(id =>
        {
            var description = policy.Documents.TryGetValue(id, out var d) ? d.Description : id;
            var linked = all.Where(e => e.Type == CanonicalEventType.GateEvidence
                    && string.Equals(e.Attribute(EventAttributes.GateItem), id, StringComparison.OrdinalIgnoreCase)
                    && e.Attribute(EventAttributes.Waiver) is null && Link(e.Attribute(EventAttributes.Url)) is not null)
                .OrderBy(e => e.OccurredAt).LastOrDefault();
            var waived = (release.Gates ?? []).FirstOrDefault(g => string.Equals(g.Item, id, StringComparison.OrdinalIgnoreCase)
                && g.Verdict == nameof(GateVerdict.Waived))?.Reason;
            return new DocumentLine(id, description, Link(linked?.Attribute(EventAttributes.Url)), linked?.Attribute(EventAttributes.Title), linked is null ? waived : null);
        }).ToArray();
    }

    /// <summary>The "Known issues" section (Markdown).</summary>
    public static string KnownIssuesMarkdown(IReadOnlyList<KnownIssue> issues, Func<DateTimeOffset, string> at)
    {
        ArgumentNullException.ThrowIfNull(issues);
        ArgumentNullException.ThrowIfNull(at);
        var md = new StringBuilder("\n## Known issues\n\n");
        if (issues.Count == 0)
        {
            return md.Append("None known.\n").ToString();
        }

        foreach (var i in issues)
        {
            var title = i.Url is null ? ReleaseNotes.Escape(i.Title) : $"[{ReleaseNotes.Escape(i.Title)}](<{i.Url}>)";
            md.Append(CultureInfo.InvariantCulture, $"- {title}");
            if (i.Incident is not null)
            {
                var severity = i.Severity is { Length: > 0 } s ? $", severity {ReleaseNotes.Escape(s)}" : "";
                md.Append(CultureInfo.InvariantCulture, $" (open incident {ReleaseNotes.Escape(i.Incident)} on {ReleaseNotes.Escape(i.System ?? "-")}{severity}, since {at(i.At)})");
            }
            else
            {
                md.Append(CultureInfo.InvariantCulture, $" (added by {ReleaseNotes.Escape(i.By ?? "-")} at {at(i.At)})");
            }

            md.Append(i.Description is { Length: > 0 } text ? $": {ReleaseNotes.Escape(text)}\n" : "\n");
        }

        return md.ToString();
    }

    /// <summary>The "Documents" section (Markdown); empty when the release's type requires none.</summary>
    public static string DocumentsMarkdown(IReadOnlyList<DocumentLine> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Count == 0)
        {
            return string.Empty;
        }

        var md = new StringBuilder("\n## Documents\n\n");
        foreach (var d in documents)
        {
            var state = d.Url is { } url ? $"[{ReleaseNotes.Escape(d.Title ?? url)}](<{url}>)"
                : d.Waived is { } waived ? ReleaseNotes.Escape(waived)
                : "**missing**";
            md.Append(CultureInfo.InvariantCulture, $"- {ReleaseNotes.Escape(d.Description)} (`{d.Id}`): {state}\n");
        }

        return md.ToString();
    }

    /// <summary>An absolute http(s) link in its escaped form (no spaces or angle brackets), or null for anything else.</summary>
    public static string? Link(string? url) =>
        ReleaseDocuments.IsLink(url) ? new Uri(url!.Trim()).AbsoluteUri : null;
}
