using System.Globalization;
using System.Text.Json;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>
/// The pipeline simulator's signals and the CDEvents deliveries each stands for, as a pipeline would send them
/// (docs/pipeline-events.md): a signal is <c>kind|argument[|outcome]</c>, several joined by <see cref="Separator"/>.
/// Every delivery is a CloudEvents 1.0 structured-mode event whose data is the CDEvent, naming the release in
/// <c>customData.releaseId</c>.
/// </summary>
public static class SimulatedSignals
{
    public const string Separator = ";";
    public const int MaxSignals = 12;
    public const string Source = "/release-functions/pipeline-simulator";

    private const string Milestones = "milestone";
    private const string Evidences = "evidence";
    private const string Configurations = "configuration";
    private const string Deployments = "deployed";
    private const string Rollbacks = "rolledback";
    private const string Success = EventOutcomes.Success;
    private const string Failure = EventOutcomes.Failure;

    public static SimulatedSignal Milestone(string milestone) => new($"{Milestones}|{milestone}", $"Milestone {milestone} reached");

    public static SimulatedSignal Evidence(string item, bool passed) =>
        new($"{Evidences}|{item}|{(passed ? Success : Failure)}", $"{item}: {(passed ? "passed" : "failed")}", !passed);

    /// <summary>A document's link, as a documentation pipeline would report it (<see cref="DocumentUrl"/>).</summary>
    public static SimulatedSignal Document(string item) =>
        new($"{Evidences}|{item}|{Success}", $"{item}: linked (a simulated document link)");

    /// <summary>The link the simulator reports for a release's document: a placeholder address that resolves nowhere.</summary>
    public static string DocumentUrl(string releaseId, string item) =>
        $"https://docs.example.com/releases/{Uri.EscapeDataString(releaseId)}/{Uri.EscapeDataString(item)}";

    public static SimulatedSignal Configuration(string environment) =>
        new($"{Configurations}|{environment}", $"Configuration report of {environment} (meets its standard)");

    public static SimulatedSignal Deployed(string environment, bool succeeded) =>
        new($"{Deployments}|{environment}|{(succeeded ? Success : Failure)}", $"Deployment to {environment} {(succeeded ? "succeeded" : "failed")}", !succeeded);

    public static SimulatedSignal RolledBack(string environment) => new($"{Rollbacks}|{environment}", $"Rollback of {environment} done");

    /// <summary>
    /// The deliveries <paramref name="signal"/> stands for (a deployment: one per system of the release), or a problem
    /// saying what in it is not a signal of this policy.
    /// </summary>
    public static (IReadOnlyList<byte[]> Deliveries, string? Problem) Deliveries(
        string signal, string releaseId, IReadOnlyList<string> systems, ReleasePolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var parts = signal.Split(Separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length is 0 or > MaxSignals)
        {
            return ([], "Use the simulator's buttons on the release page.");
        }

        var deliveries = new List<byte[]>();
        foreach (var part in parts)
        {
            var p = part.Split('|');
            var outcome = p.Length > 2 ? p[2] : Success;
            if (outcome is not (Success or Failure) || p.Length is < 2 or > 3)
            {
                return ([], $"'{part}' is not a signal of the simulator.");
            }

            switch (p[0])
            {
                case Milestones when policy.Promotion.Milestones.Contains(p[1], StringComparer.Ordinal):
                    deliveries.Add(Event("dev.cdeventsx.releasefunctions-milestone.reached.0.1.0", releaseId, now, new { milestone = p[1] }));
                    break;
                case Evidences when GateItemInputs.Find(policy, p[1]) is { SatisfiedBy: not GateSatisfaction.Attestation } item && !EnvironmentConfigurationGate.Is(item):
                    deliveries.Add(Event(CDEventsNormalizer.GateEvidenceType + ".0.1.0", releaseId, now, new Dictionary<string, object?>
                    {
                        ["item"] = item.Id,
                        ["outcome"] = outcome,
                        ["value"] = outcome == Success ? PassingValue(item) : null,
                        ["url"] = item.SatisfiedBy == GateSatisfaction.Document ? DocumentUrl(releaseId, item.Id) : null,
                        ["environment"] = item.Environment is { } about ? new { id = Lower(about) } : null,
                    }.Where(kv => kv.Value is not null).ToDictionary()));
                    break;
                case Configurations when Environment(p[1], policy) is { } env:
                    deliveries.Add(Event(CDEventsNormalizer.GateEvidenceType + ".0.1.0", releaseId, now, new
                    {
                        item = EnvironmentConfigurationGate.ItemId,
                        environment = new { id = Lower(env) },
                        settings = policy.Environments[env].RequiredSettings,
                    }));
                    break;
                case Deployments or Rollbacks when Environment(p[1], policy) is { } env:
                    var type = p[0] == Deployments ? "dev.cdevents.service.deployed.0.2.0" : "dev.cdevents.service.rolledback.0.2.0";
                    foreach (var system in systems)
                    {
                        deliveries.Add(Event(type, releaseId, now, new
                        {
                            environment = new { id = Lower(env), source = "/simulated/" + Lower(env) },
                            artifactId = $"pkg:generic/{Uri.EscapeDataString(system.ToLowerInvariant())}@{Version}",
                            outcome,
                        }, system));
                    }

                    break;
                default:
                    return ([], $"'{part}' is not a signal of this release's policy.");
            }
        }

        return (deliveries, null);
    }

    /// <summary>The version the simulated deployments report.</summary>
    public const string Version = "1.0.0";

    /// <summary>A value that meets the item's threshold (none when the result alone decides).</summary>
    private static decimal? PassingValue(GateItem item) => item.Threshold?.Value;

    private static DeploymentEnvironment? Environment(string name, ReleasePolicy policy) =>
        Enum.TryParse<DeploymentEnvironment>(name, ignoreCase: true, out var env) && Enum.IsDefined(env) && policy.Environments.ContainsKey(env) ? env : null;

    private static string Lower(DeploymentEnvironment env) => env.ToString().ToLowerInvariant();

    private static byte[] Event(string type, string releaseId, DateTimeOffset now, object content, string? system = null)
    {
        var id = Guid.NewGuid().ToString();
        var timestamp = now.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var custom = new Dictionary<string, string> { ["releaseId"] = releaseId };
        if (system is not null)
        {
            custom["system"] = system;
            custom["version"] = Version;
        }

        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["specversion"] = "1.0",
            ["id"] = id,
            ["source"] = Source,
            ["type"] = type,
            ["time"] = timestamp,
            ["datacontenttype"] = "application/json",
            ["data"] = new
            {
                context = new { specversion = "0.4.1", id, source = Source, type, timestamp },
                subject = new { id = system ?? releaseId, source = Source, content },
                customData = custom,
            },
        }, Json);
    }

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
}
