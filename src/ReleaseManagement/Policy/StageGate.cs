namespace ReleaseManagement.Policy;

/// <summary>
/// A stage's gate as the lifecycle judges it, the one rule for the gate step and the approvers' view of it: every item by
/// <see cref="EvidenceFreshness"/> (fresh evidence about the right environment, else <see cref="GateEvaluator"/>'s rule),
/// and, for a promotion into <c>environment</c>, its <c>environment-configuration</c> item against that environment's
/// standard (<see cref="EnvironmentConfigurationGate"/>); waivers under the release's four-eyes rule (<see cref="FourEyes"/>).
/// </summary>
public static class StageGate
{
    public static GateEvaluation Evaluate(
        ReleasePolicy policy, QualityGate gate, GateInputs inputs, IReadOnlyDictionary<string, IReadOnlyList<string>>? approvers,
        DateTimeOffset now, DeploymentEnvironment? environment, FourEyes? fourEyes = null) =>
        new(gate.Items.Select(item => environment is { } env && EnvironmentConfigurationGate.Is(item)
            ? EnvironmentConfigurationGate.Evaluate(policy, item, env, inputs, approvers, now, fourEyes)
            : EvidenceFreshness.EvaluateItem(item, inputs, approvers, now, fourEyes)).ToArray());
}
