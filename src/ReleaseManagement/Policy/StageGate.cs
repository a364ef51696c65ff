namespace ReleaseManagement.Policy;

/// <summary>
/// A stage's gate as the lifecycle judges it, the one rule for the gate step and the approvers' view of it: every item by
/// <see cref="EvidenceFreshness"/> (fresh evidence about the right environment, else <see cref="GateEvaluator"/>'s rule),
/// and, for a promotion into <c>environment</c>, its <c>environment-configuration</c> item against that environment's
/// standard (<see cref="EnvironmentConfigurationGate"/>).
/// </summary>
public static class StageGate
{
    public static GateEvaluation Evaluate(
        ReleasePolicy policy, QualityGate gate, GateInputs inputs, IReadOnlyDictionary<string, IReadOnlyList<string>>? approvers,
        DateTimeOffset now, DeploymentEnvironment? environment) =>
        new(gate.Items.Select(item => environment is { } env && EnvironmentConfigurationGate.Is(item)
            ? EnvironmentConfigurationGate.Evaluate(policy, item, env, inputs, approvers, now)
            : EvidenceFreshness.EvaluateItem(item, inputs, approvers, now)).ToArray());
}
