namespace ReleaseManagement.Policy;

/// <summary>
/// The <c>environment-configuration</c> gate item of a promotion: the latest configuration reported for the environment
/// promoted into (evidence kind <see cref="EvidenceKinds.Configuration"/>, a settings map) checked against
/// <c>environments.&lt;env&gt;.requiredSettings</c> by <see cref="EnvironmentConfigurationCheck"/>. Passes only when every
/// setting matches; each missing or different setting is listed, expected against actual (secrets by hash and never
/// shown). A waiver counts only from a holder of the environment's <see cref="EnvironmentStandard.ConfigurationWaiverRoles"/>.
/// </summary>
public static class EnvironmentConfigurationGate
{
    public const string ItemId = "environment-configuration";

    public static bool Is(GateItem item) => string.Equals(item.Id, ItemId, StringComparison.OrdinalIgnoreCase);

    public static GateItemResult Evaluate(
        ReleasePolicy policy, GateItem item, DeploymentEnvironment environment, GateInputs inputs,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? approvers, DateTimeOffset now, FourEyes? fourEyes = null)
    {
        var env = environment.ToString().ToLowerInvariant();
        var ofEnvironment = item with { Environment = environment };
        var reports = inputs.Evidence.Where(e => string.Equals(e.Item?.Trim(), item.Id, StringComparison.OrdinalIgnoreCase)).ToList();
        var usable = reports.Where(e => EvidenceFreshness.Unusable(ofEnvironment, e, now) is null).MaxBy(e => e.At);
        var result = usable is null
            ? new GateItemResult(item.Id, GateVerdict.Pending, $"No configuration of {env} reported yet (evidence kind 'configuration' with its settings and environment '{env}').")
            : Judge(policy, item, environment, usable);
        if (result.Verdict == GateVerdict.Passed)
        {
            return result;
        }

        if (usable is null && reports.Count > 0 && item.MaxAge is not null && reports.MaxBy(e => e.At) is { } newest
            && string.Equals(newest.Environment, env, StringComparison.OrdinalIgnoreCase))
        {
            result = new GateItemResult(item.Id, GateVerdict.Stale, $"{EvidenceFreshness.Unusable(ofEnvironment, newest, now)}: report the configuration of {env} again.");
        }

        var roles = policy.Environments.TryGetValue(environment, out var standard) ? standard.ConfigurationWaiverRoles : [PolicyRoles.ReleaseManager];
        var waivers = inputs.Waivers.Where(w => string.Equals(w.Item?.Trim(), item.Id, StringComparison.OrdinalIgnoreCase)).ToList();
        var allowed = waivers.Where(w => approvers is not null && ApproverDirectory.RolesOf(approvers, roles, w.ApprovedBy).Count > 0).ToList();
        if (waivers.Count == 0)
        {
            return result;
        }

        return allowed.Count == 0
            ? result with { Reason = $"{result.Reason} (a waiver counts only from {string.Join(" or ", roles)})" }
            : GateEvaluator.EvaluateItem(item, inputs with { Evidence = [], Waivers = allowed }, approvers, fourEyes);
    }

    private static GateItemResult Judge(ReleasePolicy policy, GateItem item, DeploymentEnvironment environment, GateEvidence report)
    {
        var actual = (report.Settings ?? new Dictionary<string, string>()).ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
        var deviations = EnvironmentConfigurationCheck.Check(policy, environment, actual);
        return deviations.Count == 0
            ? new GateItemResult(item.Id, GateVerdict.Passed, $"The configuration of {environment.ToString().ToLowerInvariant()} meets the standard.")
            : new GateItemResult(item.Id, GateVerdict.Failed, string.Join(" ", deviations.Select(d => d.Kind == DeviationKind.Missing
                ? $"'{d.Setting}' missing (expected '{d.Expected}')."
                : $"'{d.Setting}' expected '{d.Expected}', actual '{d.Actual}'.")));
    }
}
