using System.Text.Json.Serialization;

namespace ReleaseManagement.Releases;

/// <summary>
/// A write to a release's stored projection, by what its writer means: the release's standing changed
/// (<see cref="ReleaseStatusChange"/>), a line for its timeline (<see cref="TimelineNote"/>), or warnings set or cleared
/// (<see cref="WarningChange"/>), or production's stepwise rollout (<see cref="RolloutChange"/>). A closed set: the store applies each by its kind (<c>IReleaseStore.ApplyAsync</c>), and
/// applying the same write twice leaves the same state. Serialized with its kind (<c>"write"</c>), as activity inputs are.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "write")]
[JsonDerivedType(typeof(ReleaseStatusChange), "status")]
[JsonDerivedType(typeof(TimelineNote), "note")]
[JsonDerivedType(typeof(WarningChange), "warnings")]
[JsonDerivedType(typeof(RolloutChange), "rollout")]
public abstract record ReleaseWrite
{
    private protected ReleaseWrite(string releaseId, DateTimeOffset at)
    {
        ReleaseId = releaseId;
        At = at;
    }

    public string ReleaseId { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the pipeline event that led to this write (<see cref="Events.CanonicalEvent.TraceParent"/>),
    /// so the write's span joins the webhook's trace; null otherwise. Telemetry only: never stored.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TraceParent { get; init; }
}

/// <summary>
/// The release's lifecycle moved it: phase, status and reason replace what is stored, and so do the optional parts when
/// given (an empty list clears); <see cref="TargetDate"/> records a moved target date. <see cref="Line"/> is the timeline
/// line that says so (every change of standing is told on the timeline).
/// </summary>
public sealed record ReleaseStatusChange(
    string ReleaseId,
    DateTimeOffset At,
    ReleasePhase Phase,
    ReleaseStatus Status,
    string Reason,
    TimelineEntry Line,
    string? Stage = null,
    IReadOnlyList<GateItemStatus>? Gates = null,
    IReadOnlyList<PendingApproval>? PendingApprovals = null,
    DateOnly? TargetDate = null,
    string? Risk = null) : ReleaseWrite(ReleaseId, At);

/// <summary>A line for the release's timeline that leaves its standing as it is (rows are keyed by the line's writer and sequence).</summary>
public sealed record TimelineNote(string ReleaseId, TimelineEntry Line) : ReleaseWrite(ReleaseId, Line.At);

/// <summary>
/// Warnings set (or replaced) by code and cleared by code; the other warnings stay as stored, and so does everything else.
/// A writer that tells it on the timeline writes a <see cref="TimelineNote"/> beside it.
/// </summary>
public sealed record WarningChange(string ReleaseId, DateTimeOffset At, IReadOnlyList<ReleaseWarning> Set, IReadOnlyList<string> Cleared)
    : ReleaseWrite(ReleaseId, At)
{
    public static WarningChange Raise(string releaseId, ReleaseWarning warning) => new(releaseId, warning.At, [warning], []);

    public static WarningChange Clear(string releaseId, DateTimeOffset at, string code) => new(releaseId, at, [], [code]);
}

/// <summary>
/// Who wrote a timeline line (<see cref="TimelineEntry.Writer"/>): each numbers its own lines, so the same line written
/// again keeps its row and lines of different writers never share one.
/// </summary>
public static class TimelineWriters
{
    /// <summary>The release's lifecycle orchestration.</summary>
    public const string Lifecycle = "lifecycle";

    /// <summary>The release's communication timeline (its sub-orchestration).</summary>
    public const string Communications = "communications";

    /// <summary>Writers name rows: lower-case letters only.</summary>
    public static bool IsValid(string writer) => writer.Length > 0 && writer.All(c => c is >= 'a' and <= 'z');
}

/// <summary>How a notice of the communication timeline went (<see cref="TimelineEntry.Outcome"/> of its <c>communication</c> line).</summary>
public static class CommunicationOutcomes
{
    public const string Sent = "sent";

    /// <summary>It was due before the release was planned.</summary>
    public const string Missed = "missed";
}

/// <summary>The order of a release's timeline, which every store returns: by time, then writer, then the writer's sequence.</summary>
public static class TimelineOrder
{
    public static TimelineEntry[] Of(IEnumerable<TimelineEntry> lines) =>
        lines.OrderBy(l => l.At).ThenBy(l => l.Writer, StringComparer.Ordinal).ThenBy(l => l.Sequence).ToArray();
}

/// <summary>Production's stepwise rollout as it now stands (replaces the stored one); everything else stays as stored.</summary>
public sealed record RolloutChange(string ReleaseId, DateTimeOffset At, RolloutProgress Rollout) : ReleaseWrite(ReleaseId, At);
