using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// What the steps of one release's lifecycle share: the captured input and policy, the people, the inbox of everything
/// the release has been told, and where the release stands (phase, stage, target date). Nothing here calls out.
/// </summary>
internal sealed class LifecycleState
{
    public LifecycleState(TaskOrchestrationContext context, ReleaseOrchestrationInput input)
    {
        Context = context;
        Input = input;
        Version = input.Version;
        Release = input.Release;
        Policy = PolicyJson.Deserialize(input.PolicyJson);
        TypePolicy = Policy.ReleaseTypes[Release.Type];
        Log = context.CreateReplaySafeLogger(typeof(ReleaseLifecycle).FullName!);
        Approvers = ApproverDirectory.Resolve(Policy, Release.Systems, Release.Approvers);
        Risk = RiskEvaluator.Assess(Policy.RiskMatrix, Release.Impact, Release.Probability);
        FourEyes = FourEyes.For(Policy, Release, input.RequesterMayAct);
        Approvals = ApprovalPlan.For(Policy, Release, Risk, input.ExtraPlanApprovalRoles);
        Inbox = new ReleaseInbox(context, Log, Policy.TestSuiteEvidence);
        // Lifecycle version 1 named the strategy by the risk's phased rollout alone; version 2 reads deployment.strategyRules.
        (StrategyName, Strategy) = Version >= 2
            ? Policy.Deployment.StrategyFor(Release.Type, Risk.Level)
            : Risk.Mitigation.PhasedRolloutRequired ? (DeploymentPolicy.Canary, DeploymentPolicy.DefaultStrategies[DeploymentPolicy.Canary])
            : (DeploymentPolicy.BlueGreen, DeploymentPolicy.DefaultStrategies[DeploymentPolicy.BlueGreen]);
    }

    /// <summary>The production deployment's strategy (<see cref="DeploymentPolicy.StrategyFor"/>): its name in the policy and its steps.</summary>
    public string StrategyName { get; }

    public DeploymentStrategy Strategy { get; }

    /// <summary>
    /// Per environment, the systems asked for and not rolled back, in the order asked, with the step last asked for each
    /// (null: a whole deployment): a rollback goes over these only, in reverse, naming each one's last step.
    /// </summary>
    private readonly Dictionary<DeploymentEnvironment, List<(string System, Ports.DeploymentStepRequest? Step)>> _touched = [];

    /// <summary>The feature flags this release turned on and not off, in order (<see cref="FeatureFlagStep"/>).</summary>
    public List<string> FlagsOn { get; } = [];

    public IReadOnlyList<(string System, Ports.DeploymentStepRequest? Step)> Touched(DeploymentEnvironment environment) =>
        _touched.TryGetValue(environment, out var touched) ? touched : [];

    public void Touch(DeploymentEnvironment environment, IReadOnlyList<string> systems, Ports.DeploymentStepRequest? step)
    {
        var touched = _touched.TryGetValue(environment, out var list) ? list : _touched[environment] = [];
        foreach (var system in systems)
        {
            touched.RemoveAll(t => string.Equals(t.System, system, StringComparison.OrdinalIgnoreCase));
            touched.Add((system, step));
        }
    }

    /// <summary>The systems rolled back: once none is left the environment no longer counts as deployed.</summary>
    public void Untouch(DeploymentEnvironment environment, IReadOnlyList<string> systems)
    {
        var touched = _touched.TryGetValue(environment, out var list) ? list : [];
        touched.RemoveAll(t => systems.Contains(t.System, StringComparer.OrdinalIgnoreCase));
        if (touched.Count == 0)
        {
            Deployed.Remove(environment);
        }
    }

    /// <summary>Who approves each stage of this release (<see cref="ApprovalPlan"/>): its risk, category and admission roles included.</summary>
    public ApprovalPlan Approvals { get; }

    public TaskOrchestrationContext Context { get; }

    public ReleaseOrchestrationInput Input { get; }

    /// <summary>
    /// The lifecycle version the release started on (<see cref="ReleaseOrchestrator.CurrentVersion"/> then). A step that a
    /// later version changes gates the durable actions it adds on this (README, "Shipping a changed orchestrator").
    /// </summary>
    public int Version { get; }

    /// <summary>The policy captured when the release started: every rule of this release reads it, never the current one.</summary>
    public ReleasePolicy Policy { get; }

    public ReleaseTypePolicy TypePolicy { get; }

    public ILogger Log { get; }

    /// <summary>Role to people for this release (policy, systems, the release's own).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Approvers { get; }

    public RiskAssessment Risk { get; }

    /// <summary>Who may not waive, sign off or review this release (its requester), and how many people a waiver needs.</summary>
    public FourEyes FourEyes { get; }

    public ReleaseInbox Inbox { get; }

    /// <summary>Waits out outages of the external effects (<see cref="EffectGuard"/>); set once by the lifecycle.</summary>
    public EffectGuard Effects { get; set; } = null!;

    /// <summary>The release as it stands: the target date changes when rescheduled.</summary>
    public ReleaseRequest Release { get; set; }

    public ReleasePhase Phase { get; set; } = ReleasePhase.Planning;

    /// <summary>The stage last projected (<see cref="ReleaseStages"/>).</summary>
    public string? Stage { get; set; }

    /// <summary>Counts target-date changes, so a wait can end when the date moves.</summary>
    public int TargetDateMoves { get; set; }

    /// <summary>Approval stages decided or expired: a later decision on one is noted and ignored.</summary>
    public HashSet<string> ClosedStages { get; } = new(StringComparer.Ordinal);

    /// <summary>The environments deployed and not rolled back, as this release's deployment steps saw them.</summary>
    public SortedSet<DeploymentEnvironment> Deployed { get; } = [];

    /// <summary>
    /// What is under way while a deployment or a rollback waits for its outcome ("a deployment to staging is under way"),
    /// else null: a rollback request meanwhile is noted and ignored.
    /// </summary>
    public string? DeploymentUnderWay { get; set; }

    public string ReleaseId => Release.Id;

    public DateTimeOffset Now => new(Context.CurrentUtcDateTime, TimeSpan.Zero);
}
