using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Activities;
using ReleaseManagement.Analysis;
using ReleaseManagement.Approvals;
using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>
/// The real orchestrators on the in-process Durable engine. The status projection is the real activity over an in-memory
/// store; the other activities (emails, deployments, health, Service Bus) are recorded under their real names, and a small
/// scripted "world" answers for approvers and pipelines and stands in for the post-release monitor (it raises a health
/// reading to each release whose watch begins, as the timer does), so each test can assert which side effects happened,
/// how often.
/// </summary>
public sealed class LifecycleHarness : IAsyncDisposable
{
    private DurableTaskTestHost _host = null!;

    private LifecycleHarness(SimulatedTime.SimulatedClock? clock = null)
    {
        Clock = clock;
    }

    /// <summary>
    /// The simulated calendar the orchestrations run on (<see cref="SimulatedTime.SimulatedTimeContext"/>), or null for real
    /// time. The world's stamps (decisions, pipeline reports, monitor readings, the release's creation) follow it too, and its
    /// activities tell the calendar when they have run (it stands still while work is under way).
    /// </summary>
    public SimulatedTime.SimulatedClock? Clock { get; }

    /// <summary>The world's time: simulated when the harness runs on a <see cref="Clock"/>.</summary>
    public DateTimeOffset Now => Clock?.Now ?? DateTimeOffset.UtcNow;

    /// <summary>Called after each status write the status activity applied (the simulated calendar's world reacts to them).</summary>
    public Func<ReleaseWrite, Task>? AfterWrite { get; set; }

    public InMemoryReleaseStore Store { get; } = new();

    /// <summary>The audit trail the status activity writes (required, as in the hosts).</summary>
    public ReleaseFunctions.TestSupport.InMemoryAuditTrail Audit { get; } = new();

    /// <summary>The status activity as the hosts compose it: the store and the audit trail.</summary>
    public RecordReleaseStatus RecordStatus => new(Store, Audit);

    public ConcurrentQueue<RequestApprovalsInput> ApprovalRequests { get; } = new();

    public ConcurrentQueue<CloseApprovalStageInput> ClosedStages { get; } = new();

    public ConcurrentQueue<DeploymentRequest> Deployments { get; } = new();

    /// <summary>The feature flag changes the lifecycle made (the <c>SetFeatureFlag</c> activity), in order.</summary>
    public ConcurrentQueue<FeatureFlagChange> FeatureFlagChanges { get; } = new();

    /// <summary>The health queries of the post-deployment validation (the <c>CheckReleaseHealth</c> activity).</summary>
    public ConcurrentQueue<HealthQuery> HealthChecks { get; } = new();

    /// <summary>The readings the stand-in monitor raised to releases in their watch.</summary>
    public ConcurrentQueue<HealthReading> MonitorReadings { get; } = new();

    public ConcurrentQueue<ReleaseNotice> Notices { get; } = new();

    public ConcurrentQueue<ReleaseEvent> Published { get; } = new();

    /// <summary>Status activities (<c>RecordReleaseStatus</c>) run per release.</summary>
    public ConcurrentDictionary<string, int> StatusActivities { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether the dependency of an activity is down now (activity name, its input): the fake then throws, as the real
    /// activity would, before it does anything. Nothing is down by default.
    /// </summary>
    public Func<string, object, bool> Down { get; set; } = (_, _) => false;

    /// <summary>The attempts that failed because <see cref="Down"/> said so (activity name, input).</summary>
    public ConcurrentQueue<(string Activity, object Input)> Failed { get; } = new();

    /// <summary>How approvers answer a stage's first emails: true approve, false reject, null stay silent.</summary>
    public Func<string, bool?> Approve { get; set; } = _ => true;

    /// <summary>
    /// How approvers answer one release's stage (true approve, false reject); null (or unset) leaves it to <see cref="Approve"/>.
    /// </summary>
    public Func<RequestApprovalsInput, bool?>? ApproveRequest { get; set; }

    /// <summary>What the pipeline reports for a deployment (environment, rollback): an outcome, or null for nothing.</summary>
    public Func<string, bool, string?> Deploy { get; set; } = (_, _) => EventOutcomes.Success;

    /// <summary>
    /// What the pipeline reports for a production step (the request): an outcome, or null for nothing; the report names the
    /// step (CDEvents <c>customData.step</c>). Unset: <see cref="Deploy"/> answers, naming no step.
    /// </summary>
    public Func<DeploymentRequest, string?>? DeployStep { get; set; }

    /// <summary>
    /// What the pipeline reports for one system of a request (the request, the system): an outcome, or null for nothing.
    /// Unset: <see cref="DeployStep"/> or <see cref="Deploy"/> answers for every system.
    /// </summary>
    public Func<DeploymentRequest, string, string?>? DeploySystem { get; set; }

    /// <summary>The version a production step's report names (<see cref="DeployStep"/>, <see cref="DeploySystem"/>).</summary>
    public const string StepVersion = "2.0.0";

    /// <summary>What the validation's health check reads (healthy by default).</summary>
    public Func<HealthQuery, HealthReading> Reading { get; set; } = q => Healthy(q.ReleaseId);

    /// <summary>The canary analyses asked for (the <c>AnalyseCanary</c> activity).</summary>
    public ConcurrentQueue<AnalyseCanaryInput> CanaryAnalyses { get; } = new();

    /// <summary>What a canary analysis answers (a pass with no check by default).</summary>
    public Func<AnalyseCanaryInput, CanaryAnalysisResult> CanaryAnalysis { get; set; } = _ =>
        new(CanaryReadingStatus.Complete, new CanaryVerdict(CanaryOutcome.Pass, [], "Pass (test)."), null);

    /// <summary>What the monitor raises when a release's watch begins (healthy by default; null raises nothing).</summary>
    public Func<string, HealthReading?> MonitorReading { get; set; } = Healthy;

    /// <summary>A reading of Billing well within the built-in thresholds.</summary>
    public static HealthReading Healthy(string releaseId) =>
        new(releaseId, DateTimeOffset.UtcNow, [new SystemHealth("Billing", 0.1m, 200, 99.9m, 0, 0.1m, 210)], false, null);

    public DurableTaskClient Client => _host.Client;

    public static ReleasePolicy FastPolicy() => ReleasePolicyDefaults.Create() with
    {
        TimeZone = "UTC",
        Approvals = ReleasePolicyDefaults.Create().Approvals.ToDictionary(
            kv => kv.Key,
            kv => kv.Value with { Timeout = TimeSpan.FromMinutes(2), ReminderBefore = TimeSpan.Zero, EscalationTimeout = TimeSpan.FromSeconds(2) }),
        ReleaseWindows = new()
        {
            Weekly = Enum.GetValues<DayOfWeek>().Select(d => new WeeklyWindow { Day = d, Start = new TimeOnly(0, 0), Duration = TimeSpan.FromHours(24) }).ToArray(),
            Blackouts = [],
        },
        SuccessCriteria = ReleasePolicyDefaults.Create().SuccessCriteria with
        {
            // Counted from the production deployment, while the stand-in monitor raises its reading only once the watch's
            // status line is written (OnStatusRecorded): several activity round trips later. Two seconds were not always
            // enough under the full run (a watch ended "without monitoring data" and its test waited for a sign-off nobody
            // gives), nor were fifteen: on a loaded run the validation's two round trips took 13 s and the engine ran the
            // watch's timer 12 s late, ahead of the reading raised meanwhile. The watch never ends early, so this is added
            // to each release that reaches it, as waiting, not CPU.
            WatchDuration = TimeSpan.FromSeconds(30),
            CheckInterval = TimeSpan.FromSeconds(1),
            ValidationDelay = TimeSpan.Zero, // the validation reads at once; the tests of the delay set their own
        },
        // After the watch, as in the procedure (a hotfix's review is due days after it, the watch lasts a day): reminded at
        // 33 s, escalated at 35 s after the production deployment.
        EmergencyReview = ReleasePolicyDefaults.Create().EmergencyReview with { DueAfter = TimeSpan.FromSeconds(35), ReminderBefore = TimeSpan.FromSeconds(2) },
    };

    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> People = new Dictionary<string, IReadOnlyList<string>>
    {
        [PolicyRoles.Executive] = ["exec@example.com"],
        [PolicyRoles.Stakeholder] = ["stakeholder@example.com"],
        [PolicyRoles.ProductOwner] = ["po@example.com"],
        [PolicyRoles.TechnicalLead] = ["lead@example.com"],
        [PolicyRoles.QaLead] = ["qa@example.com"],
        [PolicyRoles.ReleaseManager] = ["rm@example.com"],
    };

    /// <summary>
    /// The engine's warnings and errors only: at its default level it wrote eight console lines per gRPC call (5 MB a run),
    /// work a loaded machine could not spare, and a wall that hid the failing assertion.
    /// </summary>
    private static readonly ILoggerFactory EngineLogs = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));

    public static async Task<LifecycleHarness> StartAsync(SimulatedTime.SimulatedClock? clock = null)
    {
        var harness = new LifecycleHarness(clock);
        harness._host = await ReleaseFunctions.TestSupport.InProcessEngine.StartAsync(
            r => Register(r, harness),
            EngineLogs);
        if (clock is not null)
        {
            var engine = new SimulatedTime.EngineProbe(harness._host);
            clock.EngineIdle = () => engine.Idle;
        }

        return harness;
    }

    /// <summary>
    /// Registers the real orchestrators and this harness's fake activities, and returns the names registered, which
    /// <c>LifecycleHarnessTests</c> holds to <see cref="OrchestratorNames.All"/> and <see cref="ActivityNames.All"/>: an
    /// activity added to the hosts and not faked here fails that test instead of hanging a lifecycle test.
    /// </summary>
    public static (IReadOnlyList<string> Orchestrators, IReadOnlyList<string> Activities) Register(DurableTaskRegistry r, LifecycleHarness harness)
    {
        var orchestrators = new List<string>();
        var activities = new List<string>();
        void Orchestrator<TInput, TOutput>(string name, Func<TaskOrchestrationContext, TInput, Task<TOutput>> run)
        {
            orchestrators.Add(name);
            // On a simulated calendar every orchestrator, the communication timeline started as a sub-orchestration too,
            // reads its time through the decorator.
            r.AddOrchestratorFunc<TInput, TOutput>(name, harness?.Clock is { } clock ? (context, input) => run(new SimulatedTime.SimulatedTimeContext(context, clock), input) : run);
        }

        void ThrowIfDown(string name, object? input)
        {
            if (input is not null && harness.Down(name, input))
            {
                harness.Failed.Enqueue((name, input));
                throw new InvalidOperationException($"{name}: the dependency is down (test).");
            }
        }

        void Activity<TInput, TOutput>(string name, Func<TaskActivityContext, TInput, TOutput> run)
        {
            activities.Add(name);
            r.AddActivityFunc<TInput, TOutput>(name, (c, i) =>
            {
                try
                {
                    ThrowIfDown(name, i);
                    return run(c, i);
                }
                finally
                {
                    harness.Clock?.ActivityDone();
                }
            });
        }

        void AsyncActivity<TInput, TOutput>(string name, Func<TaskActivityContext, TInput, Task<TOutput>> run)
        {
            activities.Add(name);
            r.AddActivityFunc<TInput, TOutput>(name, async (c, i) =>
            {
                try
                {
                    ThrowIfDown(name, i);
                    return await run(c, i);
                }
                finally
                {
                    harness.Clock?.ActivityDone();
                }
            });
        }

        Orchestrator<ReleaseOrchestrationInput, ReleaseOutcome>(OrchestratorNames.Release, ReleaseOrchestrator.RunAsync);
        Orchestrator<CommunicationsInput, CommunicationsResult>(OrchestratorNames.Communications, CommunicationsOrchestrator.RunAsync);
        AsyncActivity<ReleaseWrite[], bool>(ActivityNames.RecordReleaseStatus, async (_, writes) =>
        {
            harness.StatusActivities.AddOrUpdate(writes[0].ReleaseId, 1, (_, n) => n + 1);
            await harness.RecordStatus.RunAsync(writes);
            foreach (var write in writes)
            {
                await harness.OnStatusRecorded(write);
                if (harness.AfterWrite is { } after)
                {
                    await after(write);
                }
            }

            return true;
        });
        AsyncActivity<RequestApprovalsInput, RequestApprovalsResult>(ActivityNames.RequestApprovals, (_, i) => harness.OnApprovalsRequested(i));
        Activity<CloseApprovalStageInput, CloseApprovalStageResult>(ActivityNames.CloseApprovalStage, (_, i) =>
        {
            harness.ClosedStages.Enqueue(i);
            return new CloseApprovalStageResult(0);
        });
        AsyncActivity<DeploymentRequest, bool>(ActivityNames.RequestDeployment, (_, d) => harness.OnDeploymentRequested(d));
        Activity<HealthQuery, HealthReading>(ActivityNames.CheckReleaseHealth, (_, q) =>
        {
            harness.HealthChecks.Enqueue(q);
            return harness.Reading(q);
        });
        Activity<ReleaseNotice, int>(ActivityNames.SendReleaseNotice, (_, n) =>
        {
            harness.Notices.Enqueue(n);
            return n.Recipients.Count;
        });
        Activity<AnalyseCanaryInput, CanaryAnalysisResult>(ActivityNames.AnalyseCanary, (_, i) =>
        {
            harness.CanaryAnalyses.Enqueue(i);
            return harness.CanaryAnalysis(i);
        });
        Activity<ConfirmationQuery, ConfirmationState>(ActivityNames.CheckConfirmation, (_, q) => CheckConfirmation.Find(harness.Raised, q));
        Activity<ReleaseEvent, bool>(ActivityNames.PublishReleaseEvent, (_, e) =>
        {
            harness.Published.Enqueue(e);
            return true;
        });
        Activity<FeatureFlagChange, bool>(ActivityNames.SetFeatureFlag, (_, change) =>
        {
            harness.FeatureFlagChanges.Enqueue(change);
            return true;
        });
        return (orchestrators, activities);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    public static ReleaseRequest Request(string id, ReleaseType type, DateOnly? targetDate = null, string? requestedBy = "requester@example.com") =>
        new(id, $"Test {type}", type, ["Billing"], targetDate ?? DateOnly.FromDateTime(DateTime.UtcNow), requestedBy, People);

    public async Task<string> StartReleaseAsync(
        ReleaseRequest request, ReleasePolicy? policy = null, ReleaseTimings? timings = null, int version = ReleaseOrchestrator.CurrentVersion,
        IReadOnlyList<string>? extraPlanApprovalRoles = null, IReadOnlyList<ReleaseWarning>? admissionWarnings = null)
    {
        var now = Now;
        await Store.TryCreateAsync(new ReleaseRecord(request, now, ReleasePhase.Submitted, ReleaseStatus.Active, "Submitted.", now));
        var input = new ReleaseOrchestrationInput(request, PolicyJson.Serialize(policy ?? FastPolicy(), indented: false), version,
            timings ?? new ReleaseTimings(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)), extraPlanApprovalRoles, admissionWarnings);
        return await Client.ScheduleNewOrchestrationInstanceAsync(OrchestratorNames.Release, input, new StartOrchestrationOptions(InstanceId: request.Id));
    }

    /// <summary>
    /// The release's outcome once its instance completes. The deadline only bounds a hang: the full suite runs this project's
    /// tests in parallel beside the others on 2 cores, where a whole lifecycle once took over three minutes with the chaos
    /// tests running beside it (it takes seconds alone).
    /// </summary>
    public async Task<ReleaseOutcome> OutcomeAsync(string id, int seconds = 300)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        OrchestrationMetadata result;
        try
        {
            result = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException(await StuckAsync(id, seconds));
        }

        Assert.True(result.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{id} ended {result.RuntimeStatus}: {result.FailureDetails?.ErrorMessage}\n{result.FailureDetails?.StackTrace}");
        return result.ReadOutputAs<ReleaseOutcome>()!;
    }

    /// <summary>
    /// What a release that did not end in time was doing, for the failure's message: the instance's status and when the
    /// engine last updated it (long ago: a lost work item; recently: a slow machine), its custom status, its last status
    /// lines and the activities that failed.
    /// </summary>
    private async Task<string> StuckAsync(string id, int seconds)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var state = await Client.GetInstanceAsync(id, getInputsAndOutputs: false, cts.Token);
        var lines = (await Store.GetTimelineAsync(id, cts.Token)).TakeLast(8).Select(t => $"  {t.At:HH:mm:ss.fff} {t.Kind} {t.Message}");
        var failed = Failed.Select(f => f.Activity).Distinct(StringComparer.Ordinal);
        return string.Create(CultureInfo.InvariantCulture,
            $"{id} did not end within {seconds} s (now {DateTimeOffset.UtcNow:HH:mm:ss.fff}): {state?.RuntimeStatus.ToString() ?? "no instance"}, " +
            $"created {state?.CreatedAt:HH:mm:ss.fff}, last updated {state?.LastUpdatedAt:HH:mm:ss.fff}, custom status {state?.SerializedCustomStatus ?? "none"}; " +
            $"failed activities: {string.Join(", ", failed)}; last status lines:\n{string.Join('\n', lines)}");
    }

    /// <summary>
    /// Release <paramref name="id"/>'s one notice <paramref name="noticeId"/>, once sent: notices go out by activities of their
    /// own, so a test that has waited for a status line does not read the notices at once but waits for the one it checks.
    /// </summary>
    public async Task<ReleaseNotice> NoticeAsync(string id, string noticeId, int seconds = 120)
    {
        await ReleaseFunctions.TestSupport.Eventually.UntilAsync(
            () => Task.FromResult(Notices.Any(n => n.ReleaseId == id && n.NoticeId == noticeId)), sent => sent, TimeSpan.FromSeconds(seconds), $"notice {noticeId} of {id}");
        return Assert.Single(Notices, n => n.ReleaseId == id && n.NoticeId == noticeId);
    }

    public Task WaitForAsync(string id, Func<ReleaseRecord, bool> condition, string what, int seconds = 240) =>
        ReleaseFunctions.TestSupport.Eventually.UntilAsync(
            () => Store.GetAsync(id),
            record => record is not null && condition(record),
            TimeSpan.FromSeconds(seconds),
            $"{id} to reach: {what}",
            record => $"{record?.Phase} {record?.Stage} {record?.StatusReason}");

    public async Task RaiseAsync(string id, CanonicalEvent e)
    {
        Raised.Enqueue(e);
        await Client.RaiseEventAsync(id, ReleaseEventNames.Pipeline, e);
        Clock?.Touch();
    }

    /// <summary>Every pipeline event raised, as the event store would hold them (what <see cref="CheckConfirmation"/> reads).</summary>
    public ConcurrentQueue<CanonicalEvent> Raised { get; } = new();

    public Task DecideAsync(string id, string stage, string approver, bool approve, string? decisionId = null, string? comment = null) =>
        Client.RaiseEventAsync(id, ReleaseEventNames.Approval,
            new ApprovalDecision(decisionId ?? Guid.NewGuid().ToString("N"), stage, approve, approver, comment, Now));

    public static CanonicalEvent Event(CanonicalEventType type, string? releaseId, string? outcome = null, string? environment = null, string? eventId = null, params (string Key, string Value)[] attributes) =>
        new(eventId ?? "test:" + Guid.NewGuid().ToString("N"), "test", type, DateTimeOffset.UtcNow, releaseId, "Billing", environment, outcome,
            attributes.ToDictionary(a => a.Key, a => a.Value));

    public static CanonicalEvent Milestone(string id, string name) => Event(CanonicalEventType.MilestoneReached, id, attributes: (EventAttributes.Milestone, name));

    /// <param name="environment">The environment the evidence is about (the built-in production checks need <c>production</c>).</param>
    public static CanonicalEvent Evidence(string id, string item, bool passed = true, decimal? value = null, string? environment = null) =>
        value is { } v
            ? Event(CanonicalEventType.GateEvidence, id, passed ? EventOutcomes.Success : EventOutcomes.Failure, environment, attributes: [(EventAttributes.GateItem, item), (EventAttributes.Value, v.ToString(CultureInfo.InvariantCulture))])
            : Event(CanonicalEventType.GateEvidence, id, passed ? EventOutcomes.Success : EventOutcomes.Failure, environment, attributes: (EventAttributes.GateItem, item));

    /// <summary>The built-in policy's pre-deployment checks that must be about production and fresh (environment health, backup, monitoring).</summary>
    public static readonly IReadOnlyList<string> ProductionChecks = ["environment-health", "backup", "monitoring-active"];

    public static CanonicalEvent Attestation(string id, string item, string by) =>
        Event(CanonicalEventType.GateEvidence, id, attributes: [(EventAttributes.GateItem, item), (EventAttributes.Attestation, "approved"), (EventAttributes.Approver, by)]);

    /// <summary>A link to a release document (a gate item of the production gate when the release's type requires it), as a pipeline reports it.</summary>
    public static CanonicalEvent Document(string id, string item, string? url = null) =>
        Event(CanonicalEventType.GateEvidence, id, EventOutcomes.Success, attributes: [(EventAttributes.GateItem, item), (EventAttributes.Url, url ?? $"https://docs.example.com/{id}/{item}")]);

    /// <summary>A link to every document of the built-in catalogue (what any release type of the built-in policy requires).</summary>
    public static IEnumerable<CanonicalEvent> Documents(string id) => ReleaseDocuments.Defaults.Keys.Select(item => Document(id, item));

    /// <summary>Every milestone, every gate item and every document of the built-in policy, satisfied.</summary>
    public static IEnumerable<CanonicalEvent> EverythingPasses(string id, decimal coverage = 90)
    {
        foreach (var m in new[] { "feature-complete", "code-freeze", "testing-ready", "release-candidate" })
        {
            yield return Milestone(id, m);
        }

        yield return Attestation(id, "code-review", "lead@example.com");
        yield return Attestation(id, "documentation", "lead@example.com");
        yield return Evidence(id, "test-coverage", value: coverage);
        yield return Evidence(id, "security-scan", value: 0);
        yield return Evidence(id, "security-testing", value: 0);
        foreach (var item in new[] { "unit-tests", "static-analysis", "integration-tests", "performance-benchmarks", "regression-tests" })
        {
            yield return Evidence(id, item);
        }

        foreach (var item in ProductionChecks)
        {
            yield return Evidence(id, item, environment: "production");
        }

        foreach (var environment in new[] { "integration", "staging", "production" })
        {
            yield return ConfigurationReport(id, environment);
        }

        yield return Attestation(id, "user-acceptance", "po@example.com");
        yield return Attestation(id, "rollback-plan", "rm@example.com");
        yield return Attestation(id, "communication-plan", "rm@example.com");
        foreach (var document in Documents(id))
        {
            yield return document;
        }
    }

    /// <summary>A configuration report of <paramref name="environment"/> meeting the built-in standard (with <paramref name="changes"/>).</summary>
    public static CanonicalEvent ConfigurationReport(string id, string environment, params (string Setting, string Value)[] changes)
    {
        var standard = ReleasePolicyDefaults.Create().Environments[Enum.Parse<DeploymentEnvironment>(environment, ignoreCase: true)].RequiredSettings
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var (setting, value) in changes)
        {
            standard[setting] = value;
        }

        return Event(CanonicalEventType.GateEvidence, id, null, environment,
            attributes: [(EventAttributes.GateItem, EnvironmentConfigurationGate.ItemId), .. standard.Select(kv => (EventAttributes.SettingPrefix + kv.Key, kv.Value))]);
    }

    public async Task SendAllAsync(string id, IEnumerable<CanonicalEvent> events)
    {
        foreach (var e in events)
        {
            await RaiseAsync(id, e);
        }
    }

    public IReadOnlyList<TimelineEntry> Timeline(string id) => Store.GetTimelineAsync(id).GetAwaiter().GetResult();

    private async Task<RequestApprovalsResult> OnApprovalsRequested(RequestApprovalsInput input)
    {
        ApprovalRequests.Enqueue(input);
        if (input.Kind == ApprovalKind.Request && (ApproveRequest?.Invoke(input) ?? Approve(input.Stage)) is { } approve)
        {
            foreach (var approver in input.Approvers)
            {
                await DecideAsync(input.ReleaseId, input.Stage, approver.Email, approve, comment: approve ? null : "not this time");
                if (!approve)
                {
                    break;
                }
            }
        }

        return new RequestApprovalsResult(input.Approvers.Count, 0);
    }

    /// <summary>The post-release monitor's part: a reading raised to the release as its watch begins.</summary>
    private async Task OnStatusRecorded(ReleaseWrite write)
    {
        if (write is ReleaseStatusChange { Stage: ReleaseStages.Watch, Line.Kind: TimelineKinds.Phase } && MonitorReading(write.ReleaseId) is { } reading)
        {
            reading = Clock is null ? reading : reading with { At = Now };
            MonitorReadings.Enqueue(reading);
            await Client.RaiseEventAsync(write.ReleaseId, ReleaseEventNames.Health, reading);
        }
    }

    private async Task<bool> OnDeploymentRequested(DeploymentRequest request)
    {
        Deployments.Enqueue(request);
        // One report per system asked for, as a pipeline deploying each system reports it.
        foreach (var system in request.Systems.DefaultIfEmpty("Billing"))
        {
            var step = request.Rollback ? null : request.Step?.Name;
            var outcome = DeploySystem is { } deploySystem ? deploySystem(request, system)
                : step is not null && DeployStep is { } deployStep ? deployStep(request)
                : Deploy(request.Environment, request.Rollback);
            if (outcome is not null)
            {
                // A step's report names the step and the version deployed (what its analysis tells from the baseline).
                var e = Event(request.Rollback ? CanonicalEventType.ServiceRolledBack : CanonicalEventType.ServiceDeployed,
                    request.ReleaseId, outcome, request.Environment, attributes: step is null ? [] : [(EventAttributes.Step, step), (EventAttributes.Version, StepVersion)]);
                await RaiseAsync(request.ReleaseId, e with { System = system, OccurredAt = Clock is null ? e.OccurredAt : Now });
            }
        }

        return true;
    }
}
