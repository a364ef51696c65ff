using ReleaseManagement.Activities;
using ReleaseManagement.Events;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Ports;

/// <summary>A templated notice with the release's state at send time, as the stores hold it.</summary>
/// <param name="Release">The release's status projection (null when the store has none: the request's own facts are used).</param>
/// <param name="Timeline">The release's timeline, in order.</param>
/// <param name="Events">The release's pipeline events, in the order they happened.</param>
/// <param name="Policy">The policy the release runs under (<see cref="Policy.ReleasePolicies"/>: the snapshot its record
/// names), which the notice is rendered with, as the orchestration that sends it runs with it.</param>
public sealed record NoticeContext(
    ReleaseNotice Notice,
    ReleaseRecord? Release,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<CanonicalEvent> Events,
    Policy.ReleasePolicy Policy);

/// <summary>Renders a templated notice (Liquid templates; built-in ones embedded, overridable from a folder).</summary>
public interface INoticeComposer
{
    EmailMessage Compose(NoticeContext context);
}

/// <summary>A channel a notice was not posted to, and why (a setting that is missing, the last answer after the retries).</summary>
public sealed record ChannelFailure(string Channel, string Reason);

/// <summary>
/// Posts a notice to its chat or JSON webhook channels (<see cref="ReleaseNotice.Webhooks"/>); returns the channels that
/// failed after their retries. Never throws for a channel that fails: a failed channel is a warning, not a failed notice.
/// </summary>
public interface INoticeChannels
{
    Task<IReadOnlyList<ChannelFailure>> PostAsync(NoticeContext context, CancellationToken cancellationToken = default);
}
