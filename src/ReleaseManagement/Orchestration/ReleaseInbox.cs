using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Approvals;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// Everything the release has been told, folded from external events. One wait stays open on each event name for the
/// orchestration's whole life, so an event that arrives before the step that needs it is kept (not lost), and an event
/// delivered twice (same decision or event id) is applied once.
/// </summary>
public sealed class ReleaseInbox
{
    private readonly TaskOrchestrationContext _context;
    private readonly ILogger _log;
    private readonly TestSuiteEvidence _testSuites;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private Task<ApprovalDecision> _approval;
    private Task<CanonicalEvent> _pipeline;
    private Task<HealthReading> _health;
    private Task<CancelRequest> _cancel;
    private Task<RescheduleRequest> _reschedule;
    private Task<RollbackRequest> _rollback;
    private Task<OutageDecision> _outage;

    /// <summary>
    /// The <c>traceparent</c> the last new pipeline event carried (its processing span), until the writes it led to are
    /// flushed (<see cref="StatusRecorder"/> stamps them with it): from the history, so a replay sets the same.
    /// </summary>
    public string? Cause { get; set; }

    /// <param name="testSuites">Which gate items a finished test-suite run counts for (the captured policy's).</param>
    public ReleaseInbox(TaskOrchestrationContext context, ILogger log, TestSuiteEvidence testSuites)
    {
        _context = context;
        _log = log;
        _testSuites = testSuites;
        _approval = context.WaitForExternalEvent<ApprovalDecision>(ReleaseEventNames.Approval);
        _pipeline = context.WaitForExternalEvent<CanonicalEvent>(ReleaseEventNames.Pipeline);
        _health = context.WaitForExternalEvent<HealthReading>(ReleaseEventNames.Health);
        _cancel = context.WaitForExternalEvent<CancelRequest>(ReleaseEventNames.Cancel);
        _reschedule = context.WaitForExternalEvent<RescheduleRequest>(ReleaseEventNames.Reschedule);
        _rollback = context.WaitForExternalEvent<RollbackRequest>(ReleaseEventNames.Rollback);
        _outage = context.WaitForExternalEvent<OutageDecision>(ReleaseEventNames.Outage);
    }

    public List<ApprovalDecision> Decisions { get; } = [];

    public List<CanonicalEvent> Events { get; } = [];

    /// <summary>Every health reading the post-release monitor raised (<see cref="ReleaseEventNames.Health"/>), oldest first.</summary>
    public List<HealthReading> HealthReadings { get; } = [];

    public HashSet<string> Milestones { get; } = new(StringComparer.OrdinalIgnoreCase);

    public CancelRequest? Cancel { get; private set; }

    /// <summary>Reschedules not yet handled by the lifecycle, oldest first.</summary>
    public Queue<RescheduleRequest> Reschedules { get; } = new();

    /// <summary>Rollback requests not yet handled by the lifecycle, oldest first.</summary>
    public Queue<RollbackRequest> Rollbacks { get; } = new();

    /// <summary>
    /// Retry and skip decisions on an effect waiting out an outage, not yet taken, oldest first (<see cref="EffectGuard"/>
    /// empties it as an outage starts and ends, so a decision never applies to a later outage).
    /// </summary>
    public Queue<OutageDecision> OutageDecisions { get; } = new();

    /// <summary>Called for every pipeline event as it is applied (the lifecycle writes it to the timeline).</summary>
    public Func<CanonicalEvent, Task>? OnEvent { get; set; }

    /// <summary>Called for every new decision as it is applied (the lifecycle notes decisions on stages it is not at).</summary>
    public Func<ApprovalDecision, Task>? OnDecision { get; set; }

    /// <summary>
    /// Called each time the wait is about to block, nothing being delivered yet (the lifecycle writes the status lines it
    /// kept, <see cref="StatusRecorder.FlushAsync"/>).
    /// </summary>
    public Func<Task>? BeforeWait { get; set; }

    /// <summary>
    /// Waits until <paramref name="done"/> holds, applying events as they come. Returns false when
    /// <paramref name="deadline"/> passes first (the timer is cancelled when the wait ends otherwise). A cancel request
    /// ends the wait with <see cref="ReleaseCancelledException"/>. <paramref name="alsoWakeOn"/> ends the wait when it completes.
    /// </summary>
    public Task<bool> WaitUntilAsync(Func<bool> done, DateTime? deadline, Task? alsoWakeOn = null) =>
        WaitAsync(done, deadline, alsoWakeOn, outage: false);

    /// <summary>
    /// The wait of an effect between two tries during an outage (<see cref="EffectGuard"/>): until a retry or skip
    /// decision arrives (true) or <paramref name="deadline"/> passes (false). Events are applied as they come and a cancel
    /// ends it (<see cref="ReleaseCancelledException"/>), but it writes nothing before blocking (the write may be what
    /// fails) and a reschedule or rollback request stays queued for the lifecycle's next wait.
    /// </summary>
    public Task<bool> WaitForOutageDecisionAsync(DateTime deadline) =>
        WaitAsync(() => OutageDecisions.Count > 0, deadline, null, outage: true);

    private async Task<bool> WaitAsync(Func<bool> done, DateTime? deadline, Task? alsoWakeOn, bool outage)
    {
        // An outage met while the release ends after a cancel (its last status write, say) is waited out like any other.
        var cancelling = outage && Cancel is not null;
        if (!cancelling)
        {
            ThrowIfCancelled();
        }

        if (done())
        {
            return true;
        }

        using var cts = new CancellationTokenSource();
        var timer = deadline is { } d ? _context.CreateTimer(d, cts.Token) : null;
        try
        {
            while (true)
            {
                var tasks = new List<Task> { _approval, _pipeline, _health, _cancel, _reschedule, _rollback, _outage };
                if (timer is not null)
                {
                    tasks.Add(timer);
                }

                if (alsoWakeOn is not null)
                {
                    tasks.Add(alsoWakeOn);
                }

                // Only when the wait would block: events already delivered are applied first, so their lines and the
                // step's go out together (a task's completion at this point is the same on every replay).
                if (!outage && BeforeWait is not null && !tasks.Any(t => t.IsCompleted))
                {
                    await BeforeWait();
                }

                var winner = await Task.WhenAny(tasks);
                if (winner == timer)
                {
                    return false;
                }

                if (winner == alsoWakeOn)
                {
                    return true;
                }

                await ApplyAsync(winner);
                if (!cancelling)
                {
                    ThrowIfCancelled();
                }

                if (done() || (!outage && (Reschedules.Count > 0 || Rollbacks.Count > 0)))
                {
                    return true;
                }
            }
        }
        finally
        {
            if (timer is not null && !timer.IsCompleted)
            {
                cts.Cancel();
            }
        }
    }

    /// <summary>Gate inputs from every evidence, attestation and waiver received so far.</summary>
    public GateInputs GateInputs()
    {
        var evidence = new List<GateEvidence>();
        var attestations = new List<GateAttestation>();
        var waivers = new List<GateWaiver>();
        foreach (var e in Events)
        {
            switch (e.Type)
            {
                case CanonicalEventType.GateEvidence when e.Attribute(EventAttributes.GateItem) is { } item:
                    if (e.Attribute(EventAttributes.Waiver) is { } reason)
                    {
                        waivers.Add(new GateWaiver(item, reason, e.Attribute(EventAttributes.Approver) ?? string.Empty, e.OccurredAt, ClaimedRoles(e)));
                    }
                    else if (e.Attribute(EventAttributes.Attestation) is { } attestation)
                    {
                        attestations.Add(new GateAttestation(item, e.Attribute(EventAttributes.Approver) ?? string.Empty,
                            string.Equals(attestation, "approved", StringComparison.OrdinalIgnoreCase), e.OccurredAt, e.Attribute(EventAttributes.Note), ClaimedRoles(e)));
                    }
                    else
                    {
                        evidence.Add(new GateEvidence(item, e.OccurredAt, Passed(e), Value(e), e.Source, e.Environment, Settings(e), e.Attribute(EventAttributes.Url)));
                    }

                    break;
                case CanonicalEventType.TestSuiteRunFinished:
                    var suite = e.Attribute(EventAttributes.GateItem) ?? _testSuites.ResultItem;
                    evidence.Add(new GateEvidence(suite, e.OccurredAt, Passed(e) ?? (Number(e.Attribute(EventAttributes.TestsFailed)) is { } failed ? failed == 0 : null), null, e.Source, e.Environment));
                    if (Number(e.Attribute(EventAttributes.Coverage)) is { } coverage)
                    {
                        evidence.Add(new GateEvidence(_testSuites.CoverageItem, e.OccurredAt, null, coverage, e.Source, e.Environment));
                    }

                    break;
            }
        }

        return new GateInputs(evidence, attestations, waivers);
    }

    /// <summary>Whether a trigger item (a milestone or a gate item) is satisfied: reached, or with passing evidence.</summary>
    public bool Satisfied(string triggerItem, ReleasePolicy policy)
    {
        if (Milestones.Contains(triggerItem))
        {
            return true;
        }

        var item = policy.QualityGates.Values.SelectMany(g => g.Items).FirstOrDefault(i => string.Equals(i.Id, triggerItem, StringComparison.Ordinal));
        if (item is null)
        {
            return false;
        }

        var verdict = EvidenceFreshness.EvaluateItem(item, GateInputs(), null, new DateTimeOffset(_context.CurrentUtcDateTime, TimeSpan.Zero)).Verdict;
        return verdict is GateVerdict.Passed or GateVerdict.Waived;
    }

    /// <summary>A reported configuration's settings (attributes <c>setting:&lt;name&gt;</c>), or null when it has none.</summary>
    private static Dictionary<string, string>? Settings(CanonicalEvent e)
    {
        var settings = e.Attributes.Where(a => a.Key.StartsWith(EventAttributes.SettingPrefix, StringComparison.Ordinal))
            .ToDictionary(a => a.Key[EventAttributes.SettingPrefix.Length..], a => a.Value, StringComparer.OrdinalIgnoreCase);
        return settings.Count > 0 ? settings : null;
    }

    /// <summary>
    /// The roles a person's sign-in claims granted for an attestation, waiver or sign-off (<see cref="EventAttributes.ClaimedRoles"/>):
    /// only from the API, which writes them from the signed-in principal; a pipeline's event claims nothing, whatever it carries.
    /// </summary>
    public static IReadOnlyList<string>? ClaimedRoles(CanonicalEvent e) =>
        e.Source == EventSources.Api && e.Attribute(EventAttributes.ClaimedRoles) is { Length: > 0 } roles
            ? roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : null;

    private static bool? Passed(CanonicalEvent e) => e.Outcome switch
    {
        EventOutcomes.Success => true,
        EventOutcomes.Failure => false,
        _ => null,
    };

    private static decimal? Value(CanonicalEvent e) => Number(e.Attribute(EventAttributes.Value));

    private static decimal? Number(string? text) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    private void ThrowIfCancelled()
    {
        if (Cancel is { } request)
        {
            throw new ReleaseCancelledException(request);
        }
    }

    private async Task ApplyAsync(Task winner)
    {
        if (winner == _approval)
        {
            var decision = await _approval;
            _approval = _context.WaitForExternalEvent<ApprovalDecision>(ReleaseEventNames.Approval);
            if (_seen.Add("decision:" + decision.DecisionId))
            {
                Decisions.Add(decision);
                if (OnDecision is not null)
                {
                    await OnDecision(decision);
                }
            }
            else
            {
                _log.LogInformation("Duplicate decision {DecisionId} ignored", decision.DecisionId);
            }
        }
        else if (winner == _pipeline)
        {
            var e = await _pipeline;
            _pipeline = _context.WaitForExternalEvent<CanonicalEvent>(ReleaseEventNames.Pipeline);
            if (!_seen.Add("event:" + e.EventId))
            {
                _log.LogInformation("Duplicate event {EventId} ignored", e.EventId);
                return;
            }

            Events.Add(e);
            Cause = e.TraceParent;
            if (e.Type == CanonicalEventType.MilestoneReached && e.Attribute(EventAttributes.Milestone) is { } milestone)
            {
                Milestones.Add(milestone);
            }

            if (OnEvent is not null)
            {
                await OnEvent(e);
            }
        }
        else if (winner == _health)
        {
            HealthReadings.Add(await _health);
            _health = _context.WaitForExternalEvent<HealthReading>(ReleaseEventNames.Health);
        }
        else if (winner == _cancel)
        {
            Cancel ??= await _cancel;
            _cancel = _context.WaitForExternalEvent<CancelRequest>(ReleaseEventNames.Cancel);
        }
        else if (winner == _reschedule)
        {
            Reschedules.Enqueue(await _reschedule);
            _reschedule = _context.WaitForExternalEvent<RescheduleRequest>(ReleaseEventNames.Reschedule);
        }
        else if (winner == _rollback)
        {
            Rollbacks.Enqueue(await _rollback);
            _rollback = _context.WaitForExternalEvent<RollbackRequest>(ReleaseEventNames.Rollback);
        }
        else if (winner == _outage)
        {
            OutageDecisions.Enqueue(await _outage);
            _outage = _context.WaitForExternalEvent<OutageDecision>(ReleaseEventNames.Outage);
        }
    }
}
