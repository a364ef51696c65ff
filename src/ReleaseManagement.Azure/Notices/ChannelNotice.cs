using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Notices;

/// <summary>
/// A notice as a channel shows it: compact, from the notice's model (subject and key facts), not from its HTML.
/// </summary>
/// <param name="Id">Stable for one notice of one release (<c>RELEASE/NOTICE</c>): a retried post carries the same id, so a
/// receiver can drop the second one.</param>
/// <param name="Title">The notice's subject.</param>
/// <param name="Text">One or two sentences: what the notice is about.</param>
/// <param name="Facts">Key facts in order (release, type, systems, status, dates, reason ...), labels to values.</param>
/// <param name="Link">The release's page on the dashboard; null when the app's public address is unknown.</param>
public sealed record ChannelNotice(
    string Id,
    string ReleaseId,
    string NoticeId,
    string Title,
    string Text,
    IReadOnlyList<ChannelFact> Facts,
    Uri? Link)
{
    public static string IdOf(string releaseId, string noticeId) => $"{releaseId}/{noticeId}";
}

/// <summary>A labelled fact of a <see cref="ChannelNotice"/>.</summary>
public sealed record ChannelFact(string Label, string Value);

/// <summary>Makes the compact form of a notice (the host's templates give its subject; the dashboard its link).</summary>
public interface INoticeSummarizer
{
    ChannelNotice Summarize(NoticeContext context);
}
