using System.Text.Json.Serialization;

namespace ReleaseManagement.Policy;

/// <summary>
/// How a production deployment proceeds, one step at a time (<c>deployment.strategies</c> in the policy): the release asks
/// the pipeline for each step, waits for the pipeline to report it, holds it for <see cref="StrategyStep.Hold"/> and, where
/// the step says so, judges the new version against the baseline before it asks for the next. Lower environments are
/// deployed in one request (named by the strategy too): the steps are production's.
/// </summary>
public sealed record DeploymentStrategy
{
    /// <summary>What the strategy does to traffic: it tells the pipeline how to read each step.</summary>
    public required StrategyKind Kind { get; init; }

    /// <summary>The strategy in words, for the release page and the docs.</summary>
    public required string Description { get; init; }

    /// <summary>The steps in order; the last one carries all traffic (weight or batch 100, or the swap).</summary>
    public required IReadOnlyList<StrategyStep> Steps { get; init; }
}

/// <summary>What a strategy does to traffic.</summary>
public enum StrategyKind
{
    /// <summary>
    /// Deploy to the idle slot (no production traffic), then swap it live. A failure before the swap abandons the idle slot;
    /// after it, the rollback swaps back.
    /// </summary>
    BlueGreen,

    /// <summary>Shift a share of traffic (<see cref="StrategyStep.Weight"/>) to the new version, step by step.</summary>
    Canary,

    /// <summary>Replace a share of the instances (<see cref="StrategyStep.Batch"/>) at a time.</summary>
    Rolling,
}

/// <summary>One step of a <see cref="DeploymentStrategy"/>.</summary>
public sealed record StrategyStep
{
    /// <summary>The step's name (e.g. <c>idle-slot</c>, <c>swap</c>, <c>canary-10</c>): the pipeline's request and report carry it.</summary>
    public required string Name { get; init; }

    /// <summary>Canary: the share of traffic, in percent, the new version takes at this step.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Weight { get; init; }

    /// <summary>Rolling: the share of instances, in percent, that run the new version once this step is done.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Batch { get; init; }

    /// <summary>Blue-green: this step swaps the idle slot live (exactly one step of a blue-green strategy does).</summary>
    public bool Swap { get; init; }

    /// <summary>How long the step is held once reported, before the next is asked for: the analysis window. Optional; default none.</summary>
    public TimeSpan Hold { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// Whether the new version is judged against the baseline over the hold (<c>deployment.analysis</c>) before the next
    /// step: a failure rolls back; an inconclusive or missing verdict follows <c>successCriteria.onMissingHealthData</c>.
    /// Needs a hold. Optional; default false.
    /// </summary>
    public bool Analyse { get; init; }

    /// <summary>How long the pipeline has to report the step. Optional; default the release's deployment timeout.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TimeSpan? Timeout { get; init; }
}

/// <summary>
/// Which strategy a release's production deployment uses (<c>deployment.strategyRules</c>, first match wins; else
/// <see cref="DeploymentPolicy.DefaultStrategy"/>). A rule with no condition matches every release.
/// </summary>
public sealed record StrategyRule
{
    /// <summary>The strategy's name in <see cref="DeploymentPolicy.Strategies"/>.</summary>
    public required string Strategy { get; init; }

    /// <summary>The risk levels it applies to. Optional; default any.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<RiskRating>? RiskLevels { get; init; }

    /// <summary>The release types it applies to. Optional; default any.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Releases.ReleaseType>? ReleaseTypes { get; init; }
}
