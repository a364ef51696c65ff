namespace ReleaseManagement.Releases;

/// <summary>
/// Production's stepwise deployment as it stands (<c>rollout</c> of the release; the release page's step bar): the
/// strategy and each step of each wave of systems, in order, with where it is. Null for a release deployed in one request.
/// </summary>
public sealed record RolloutProgress(string Strategy, string Kind, IReadOnlyList<RolloutStep> Steps);

/// <summary>One step of one wave of systems: its name, what it does in words, the systems (null: all of the release's) and its <see cref="RolloutStates">state</see>.</summary>
public sealed record RolloutStep(string Name, string Label, string? Systems, string State);

/// <summary>The states of a <see cref="RolloutStep"/>.</summary>
public static class RolloutStates
{
    public const string Pending = "pending";
    public const string Requested = "requested";
    public const string Holding = "holding";
    public const string Done = "done";
    public const string Failed = "failed";
    public const string RolledBack = "rolled-back";
}
