using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy;

/// <summary>
/// How production is deployed and what a failed deployment leads to (<c>deployment</c> in the policy; optional). The
/// strategies are the procedure's (blue-green, canary, rolling); the steps, holds and selection rule are this project's
/// defaults (docs/deployment-strategies.md).
/// </summary>
public sealed record DeploymentPolicy
{
    /// <summary>
    /// A failed production deployment (a failure reported, or no outcome within the deployment timeout) requests a
    /// rollback of production instead of only failing the release. Default true.
    /// </summary>
    public bool RollbackOnFailedProductionDeployment { get; init; } = true;

    /// <summary>
    /// Production is deployed step by step: each step of the release's strategy asked of the pipeline, reported, held and
    /// judged before the next (lifecycle version 2). Optional; default false: production is asked for in one request naming
    /// the strategy, as before, because a pipeline wired for that deploys the whole release on each request and would make
    /// the steps' holds and analyses meaningless. Turn it on once the pipeline reads the request's <c>step</c>
    /// (docs/deployment-strategies.md, "Wiring a pipeline").
    /// </summary>
    public bool Stepwise { get; init; }

    /// <summary>The strategies by name. Optional; default <see cref="DefaultStrategies"/>.</summary>
    public IReadOnlyDictionary<string, DeploymentStrategy> Strategies { get; init; } = DefaultStrategies;

    /// <summary>Which strategy a release uses, first match wins. Optional; default: High risk → canary (the risk matrix's phased rollout).</summary>
    public IReadOnlyList<StrategyRule> StrategyRules { get; init; } = [new() { Strategy = Canary, RiskLevels = [RiskRating.High] }];

    /// <summary>The strategy of a release no rule matches. Optional; default blue-green.</summary>
    public string DefaultStrategy { get; init; } = BlueGreen;

    /// <summary>How a canary's or idle slot's telemetry is judged against the baseline's at each analysed step (<see cref="StrategyStep.Analyse"/>).</summary>
    public CanaryAnalysisPolicy Analysis { get; init; } = new();

    public const string BlueGreen = "blue-green";
    public const string Canary = "canary";
    public const string Rolling = "rolling";

    /// <summary>
    /// The procedure's strategies. Blue-green: the idle slot deployed and held ten minutes under analysis, then the swap
    /// (the post-deployment validation follows). Canary: 10 % and 50 % of traffic, each held thirty minutes under analysis,
    /// then 100 %. Rolling: a quarter of the instances at a time, ten minutes and an analysis between batches.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, DeploymentStrategy> DefaultStrategies = new Dictionary<string, DeploymentStrategy>(StringComparer.Ordinal)
    {
        [BlueGreen] = new()
        {
            Kind = StrategyKind.BlueGreen,
            Description = "Deploy to the idle slot, analyse it, swap it live, validate; before the swap a failure abandons the idle slot, after it the rollback swaps back.",
            Steps =
            [
                new() { Name = "idle-slot", Hold = TimeSpan.FromMinutes(10), Analyse = true },
                new() { Name = "swap", Swap = true },
            ],
        },
        [Canary] = new()
        {
            Kind = StrategyKind.Canary,
            Description = "Shift 10 %, then 50 % of traffic to the new version, each held thirty minutes and judged against the baseline, then 100 %.",
            Steps =
            [
                new() { Name = "canary-10", Weight = 10, Hold = TimeSpan.FromMinutes(30), Analyse = true },
                new() { Name = "canary-50", Weight = 50, Hold = TimeSpan.FromMinutes(30), Analyse = true },
                new() { Name = "canary-100", Weight = 100 },
            ],
        },
        [Rolling] = new()
        {
            Kind = StrategyKind.Rolling,
            Description = "Replace a quarter of the instances at a time, each batch held ten minutes and judged before the next.",
            Steps =
            [
                new() { Name = "batch-25", Batch = 25, Hold = TimeSpan.FromMinutes(10), Analyse = true },
                new() { Name = "batch-50", Batch = 50, Hold = TimeSpan.FromMinutes(10), Analyse = true },
                new() { Name = "batch-75", Batch = 75, Hold = TimeSpan.FromMinutes(10), Analyse = true },
                new() { Name = "batch-100", Batch = 100 },
            ],
        },
    };

    /// <summary>The strategy of a release of <paramref name="type"/> at risk <paramref name="risk"/>: its name and definition.</summary>
    public (string Name, DeploymentStrategy Strategy) StrategyFor(ReleaseType type, RiskRating risk)
    {
        var name = StrategyRules.FirstOrDefault(r => (r.RiskLevels is not { Count: > 0 } levels || levels.Contains(risk))
            && (r.ReleaseTypes is not { Count: > 0 } types || types.Contains(type)))?.Strategy ?? DefaultStrategy;
        return (name, Strategies[name]);
    }
}
