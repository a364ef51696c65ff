using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>
/// One button of the pipeline simulator: what a pipeline would send now. <paramref name="Signal"/> is the form's value
/// (<see cref="SimulatedSignals"/> turns it into CDEvents deliveries), <paramref name="Failure"/> marks a failing result.
/// </summary>
public sealed record SimulatedSignal(string Signal, string Label, bool Failure = false);

/// <summary>
/// The release page's pipeline simulator (Development mode on the local host only, <see cref="PipelineSimulator"/>): for
/// the release's current stage, the deliveries a pipeline would send, each a button of one plain form that posts to
/// <paramref name="Action"/>. <paramref name="People"/> lists what only people give at this stage (attestations, sign-offs).
/// </summary>
public sealed record PipelineSimulatorView(
    string Action, string FormField, string FormValue, string Stage, string Explanation,
    IReadOnlyList<SimulatedSignal> Signals, IReadOnlyList<string> People, string? Problem)
{
    /// <summary>The simulator for <paramref name="record"/> at its current stage (null once the release has ended).</summary>
    /// <param name="events">What the release has been told so far (the milestones already reached are not offered again).</param>
    /// <param name="problem">Why nothing can be sent (e.g. no CDEvents secret is configured), or null.</param>
    public static PipelineSimulatorView? Build(
        ReleaseRecord record, ReleasePolicy policy, IEnumerable<CanonicalEvent> events, string action, FormContext form, string? problem)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(policy);
        if (record.Status != ReleaseStatus.Active)
        {
            return null;
        }

        var stage = record.Stage ?? string.Empty;
        var signals = new List<SimulatedSignal>();
        var people = new List<string>();
        string explanation;
        if (record.PendingApprovals is { Count: > 0 })
        {
            explanation = "The release waits for its approvers (their emailed links): nothing for a pipeline to send.";
        }
        else if (stage == ReleaseStages.Milestones)
        {
            var reached = events.Where(e => e.Type == CanonicalEventType.MilestoneReached).Select(e => e.Attribute(EventAttributes.Milestone))
                .OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
            if (policy.Promotion.Milestones.FirstOrDefault(m => !reached.Contains(m)) is { } next)
            {
                signals.Add(SimulatedSignals.Milestone(next));
            }

            explanation = "Development: the pipeline reports the milestones in order.";
        }
        else if (After(stage, "promotion:") is { } promotion && Environment(promotion) is { } to)
        {
            var step = policy.PromotionRoute(record.Request.Type).FirstOrDefault(s => s.To == to);
            foreach (var trigger in step?.Trigger ?? [])
            {
                if (policy.Promotion.Milestones.Contains(trigger, StringComparer.OrdinalIgnoreCase))
                {
                    signals.Add(SimulatedSignals.Milestone(trigger));
                }
                else
                {
                    AddItem(trigger, to);
                }
            }

            explanation = $"The promotion to {promotion} waits for its trigger: {string.Join(", ", step?.Trigger ?? [])}.";
        }
        else if (After(stage, "gate:") is { } gate)
        {
            var environment = Environment(gate);
            foreach (var row in (record.Gates ?? []).Where(g => g.Verdict is not (nameof(GateVerdict.Passed) or nameof(GateVerdict.Waived))))
            {
                AddItem(row.Item, environment);
            }

            var passing = signals.Where(s => !s.Failure).ToArray();
            if (passing.Length > 1)
            {
                signals.Insert(0, new SimulatedSignal(string.Join(SimulatedSignals.Separator, passing.Select(s => s.Signal)), $"All {passing.Length} results pass"));
            }

            explanation = $"The quality gate of {gate} waits for these results.";
        }
        else if (After(stage, "deploy:") is { } deploy && Environment(deploy) is not null)
        {
            signals.Add(SimulatedSignals.Deployed(deploy, succeeded: true));
            signals.Add(SimulatedSignals.Deployed(deploy, succeeded: false));
            explanation = $"The deployment to {deploy} was requested; the pipeline reports how it went.";
        }
        else if (After(stage, "rollback:") is { } rollback && Environment(rollback) is not null)
        {
            signals.Add(SimulatedSignals.RolledBack(rollback));
            explanation = $"The rollback of {rollback} was requested; the pipeline reports it done.";
        }
        else
        {
            explanation = stage switch
            {
                ReleaseStages.Window => "The release waits for its production window: nothing for a pipeline to send.",
                ReleaseStages.Validation or ReleaseStages.Watch =>
                    "Health is read from monitoring (none on the local host): when the step ends without data, the release manager signs off below.",
                _ => "Nothing for a pipeline to send at this step: people act (approvals, attestations, sign-offs).",
            };
        }

        return new PipelineSimulatorView(action, form.FormField, form.FormValue, stage, explanation, signals, people, problem);

        void AddItem(string id, DeploymentEnvironment? environment)
        {
            var item = GateItemInputs.Find(policy, id);
            if (item is null)
            {
                return;
            }

            if (item.SatisfiedBy == GateSatisfaction.Attestation)
            {
                people.Add($"{item.Id}: an attestation by {string.Join(" or ", item.AttestationRoles)} (the attestation form below)");
            }
            else if (item.SatisfiedBy == GateSatisfaction.Document)
            {
                signals.Add(SimulatedSignals.Document(item.Id));
            }
            else if (EnvironmentConfigurationGate.Is(item))
            {
                var env = item.Environment ?? environment ?? DeploymentEnvironment.Development;
                signals.Add(SimulatedSignals.Configuration(ReleaseStages.Lower(env)));
            }
            else
            {
                signals.Add(SimulatedSignals.Evidence(item.Id, passed: true));
                signals.Add(SimulatedSignals.Evidence(item.Id, passed: false));
            }
        }
    }

    private static string? After(string stage, string prefix) =>
        stage.StartsWith(prefix, StringComparison.Ordinal) ? stage[prefix.Length..] : null;

    private static DeploymentEnvironment? Environment(string name) =>
        Enum.TryParse<DeploymentEnvironment>(name, ignoreCase: true, out var env) && Enum.IsDefined(env) ? env : null;
}
