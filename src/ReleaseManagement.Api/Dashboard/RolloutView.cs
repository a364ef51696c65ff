using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>The release page's step bar: production's stepwise deployment (<see cref="RolloutProgress"/>), each step with its state in words.</summary>
public sealed record RolloutView(string Strategy, IReadOnlyList<RolloutRow> Steps)
{
    public static RolloutView? From(RolloutProgress? rollout) => rollout is null ? null : new(
        rollout.Strategy,
        [.. rollout.Steps.Select(s => new RolloutRow(s.Name, s.Label, s.Systems, Text(s.State), Css(s.State)))]);

    private static string Text(string state) => state switch
    {
        RolloutStates.Requested => "asked of the pipeline",
        RolloutStates.Holding => "held (analysis window)",
        RolloutStates.Done => "done",
        RolloutStates.Failed => "failed",
        RolloutStates.RolledBack => "rolled back",
        _ => "not yet",
    };

    /// <summary>The node class the promotion path uses for the same states (<c>state-done</c>, <c>state-current</c>...).</summary>
    private static string Css(string state) => state switch
    {
        RolloutStates.Requested or RolloutStates.Holding => "current",
        RolloutStates.Done => "done",
        RolloutStates.Failed => "failed",
        RolloutStates.RolledBack => "rolled-back",
        _ => "pending",
    };
}

/// <summary>One step of the step bar.</summary>
public sealed record RolloutRow(string Name, string Label, string? Systems, string StateText, string State);
