using ReleaseManagement.Approvals;
using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;
using static ReleaseManagement.Tests.Orchestration.LifecycleHarness;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>The release lifecycle path by path on the real Durable replay engine, durations shortened through the policy.</summary>
public sealed class ReleaseLifecycleTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await LifecycleHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static string Id(string name) => $"{name}-{Guid.NewGuid():N}"[..24];

    private async Task<ReleaseOutcome> RunToEndAsync(ReleaseRequest request, ReleasePolicy? policy = null)
    {
        var id = await _h.StartReleaseAsync(request, policy);
        await _h.SendAllAsync(id, EverythingPasses(id));
        return await _h.OutcomeAsync(id);
    }

    [Fact]
    public async Task Minor_EverythingPasses_CompletesThroughEveryStageWithEachSideEffectOnce()
    {
        var request = Request(Id("minor"), ReleaseType.Minor);

        var outcome = await RunToEndAsync(request);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        var stored = (await _h.Store.GetAsync(request.Id))!;
        Assert.Equal((ReleasePhase.Closed, ReleaseStatus.Completed), (stored.Phase, stored.Status));
        Assert.Equal(["integration", "staging", "production"], _h.Deployments.Where(d => d.ReleaseId == request.Id).Select(d => d.Environment));
        Assert.All(_h.Deployments, d => Assert.False(d.Rollback));
        Assert.Equal(
            [ApprovalStageKeys.Plan, ApprovalStageKeys.PromotionIntegration, ApprovalStageKeys.PromotionStaging, ApprovalStageKeys.PromotionProduction],
            _h.ApprovalRequests.Where(a => a.ReleaseId == request.Id).Select(a => a.Stage));
        Assert.Equal(4, _h.ClosedStages.Count(c => c.ReleaseId == request.Id));
        Assert.Single(_h.Published, p => p.ReleaseId == request.Id && p.Type == ReleaseEventType.ReleaseCompleted);
        Assert.Equal(_h.Published.Count, _h.Published.Select(p => p.EventId).Distinct().Count());
        Assert.Single(_h.HealthChecks, c => c.ReleaseId == request.Id); // the validation reads health through the activity
        Assert.Single(_h.MonitorReadings, r => r.ReleaseId == request.Id); // the watch is fed by the monitor, not by polling
        Assert.Contains(_h.Notices, n => n.ReleaseId == request.Id && n.NoticeId.StartsWith("post-deployment", StringComparison.Ordinal));

        var timeline = _h.Timeline(request.Id);
        Assert.Contains(timeline, t => t.Kind == TimelineKinds.Milestone && t.Message.Contains("release-candidate", StringComparison.Ordinal));
        Assert.Contains(timeline, t => t.Kind == TimelineKinds.Deployment && t.Message == "Deployed to production.");
        Assert.Contains(timeline, t => t.Kind == TimelineKinds.Watch && t.Message.StartsWith("Watch passed", StringComparison.Ordinal));
        Assert.Contains(timeline, t => t.Kind == TimelineKinds.Communication && t.Message.StartsWith("Missed", StringComparison.Ordinal));
        Assert.Equal(TimelineKinds.Outcome, timeline.Where(t => t.Writer == TimelineWriters.Lifecycle).MaxBy(t => t.Sequence)!.Kind);
    }

    [Fact]
    public async Task Major_EverythingPasses_AsksExecutiveAndStakeholderForThePlan()
    {
        var request = Request(Id("major"), ReleaseType.Major);

        var outcome = await RunToEndAsync(request);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        var plan = _h.ApprovalRequests.First(a => a.ReleaseId == request.Id);
        Assert.Equal(ApprovalStageKeys.Plan, plan.Stage);
        Assert.Contains(plan.Approvers, a => a.Role == PolicyRoles.Executive);
        Assert.Contains(plan.Approvers, a => a.Role == PolicyRoles.Stakeholder);
    }

    [Fact]
    public async Task Patch_EverythingPasses_CompletesWithTheTechnicalLeadsPlanApproval()
    {
        var request = Request(Id("patch"), ReleaseType.Patch);

        var outcome = await RunToEndAsync(request);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        var plan = _h.ApprovalRequests.First(a => a.ReleaseId == request.Id);
        Assert.Equal([PolicyRoles.TechnicalLead], plan.Approvers.Select(a => a.Role).Distinct());
    }

    /// <summary>What a hotfix's compressed route needs to reach production: tests, the production checks, both configurations.</summary>
    private async Task HotfixChecksPassAsync(string id)
    {
        foreach (var item in new[] { "unit-tests", "regression-tests" })
        {
            await _h.RaiseAsync(id, Evidence(id, item));
        }

        foreach (var item in ProductionChecks)
        {
            await _h.RaiseAsync(id, Evidence(id, item, environment: "production"));
        }

        await _h.RaiseAsync(id, ConfigurationReport(id, "staging"));
        await _h.RaiseAsync(id, ConfigurationReport(id, "production"));
        await _h.SendAllAsync(id, Documents(id));
    }

    [Fact]
    public async Task Hotfix_EmergencyApprovalAndCompressedRoute_ThenTheOverdueReviewIsRemindedEscalatedAndRecorded()
    {
        var request = Request(Id("hotfix"), ReleaseType.Hotfix);
        var id = await _h.StartReleaseAsync(request);
        await HotfixChecksPassAsync(id);

        await _h.RaiseAsync(id, Evidence(id, "security-scan", value: 0));
        // The escalation notice, which stays sent: the status line saying "overdue" is overwritten once the release moves on
        // (on a loaded machine the review fell due after the watch had begun, and the line was never seen).
        await _h.WaitForAsync(id, _ => _h.Notices.Any(n => n.ReleaseId == id && n.NoticeId == "review-escalation"), "review escalated");
        await _h.RaiseAsync(id, Attestation(id, "emergency-review", "rm@example.com"));
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        Assert.Equal([ApprovalStageKeys.Emergency], _h.ApprovalRequests.Where(a => a.ReleaseId == id).Select(a => a.Stage));
        Assert.Equal(["staging", "production"], _h.Deployments.Where(d => d.ReleaseId == id).Select(d => d.Environment));
        Assert.Single(_h.Notices, n => n.ReleaseId == id && n.NoticeId == "review-reminder");
        Assert.Single(_h.Notices, n => n.ReleaseId == id && n.NoticeId == "review-escalation");
        Assert.Contains(_h.Timeline(id), t => t.Message == "Emergency change review recorded by rm@example.com.");
        Assert.DoesNotContain(_h.Timeline(id), t => t.Kind == TimelineKinds.Milestone);
        Assert.Contains("POST /api/releases/", _h.Notices.Single(n => n.ReleaseId == id && n.NoticeId == "review-reminder").Text, StringComparison.Ordinal);
        Assert.Contains("\"item\": \"emergency-review\"", _h.Notices.Single(n => n.ReleaseId == id && n.NoticeId == "review-escalation").Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hotfix_ReviewAttestedBySomeoneWithoutAReviewerRole_DoesNotCountAndTheReviewIsEscalated()
    {
        var request = Request(Id("hotfix-nr"), ReleaseType.Hotfix);
        var id = await _h.StartReleaseAsync(request);
        await HotfixChecksPassAsync(id);

        await _h.RaiseAsync(id, Evidence(id, "security-scan", value: 0));
        await _h.RaiseAsync(id, Attestation(id, "emergency-review", "qa@example.com"));
        // The escalation notice, which stays sent: the status line saying "overdue" is overwritten once the release moves on
        // (on a loaded machine the review fell due after the watch had begun, and the line was never seen).
        await _h.WaitForAsync(id, _ => _h.Notices.Any(n => n.ReleaseId == id && n.NoticeId == "review-escalation"), "review escalated");
        await _h.RaiseAsync(id, Attestation(id, "emergency-review", "lead@example.com"));
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        Assert.Single(_h.Notices, n => n.ReleaseId == id && n.NoticeId == "review-escalation");
        Assert.Contains(_h.Timeline(id), t => t.Message == "Emergency change review recorded by lead@example.com.");
    }

    [Fact]
    public async Task PlanRejected_EndsRejectedWithTheReasonAndDeploysNothing()
    {
        _h.Approve = stage => stage == ApprovalStageKeys.Plan ? false : true;
        var request = Request(Id("rejected"), ReleaseType.Minor);
        var id = await _h.StartReleaseAsync(request);

        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Rejected, outcome.Status);
        Assert.Contains("not this time", outcome.Reason);
        Assert.DoesNotContain(_h.Deployments, d => d.ReleaseId == id);
        Assert.Single(_h.ClosedStages, c => c.ReleaseId == id && c.Stage == ApprovalStageKeys.Plan);
        Assert.Single(_h.Published, p => p.ReleaseId == id && p.Type == ReleaseEventType.ApprovalRejected);
        Assert.Equal(ReleaseStatus.Rejected, (await _h.Store.GetAsync(id))!.Status);
    }

    [Fact]
    public async Task DecisionOnAClosedStage_IsIgnoredAndNoted()
    {
        var request = Request(Id("late"), ReleaseType.Patch);
        var id = await _h.StartReleaseAsync(request);
        await _h.WaitForAsync(id, r => r.Phase == ReleasePhase.Development, "development");

        await _h.DecideAsync(id, ApprovalStageKeys.Plan, "lead@example.com", false, comment: "changed my mind");
        await _h.WaitForAsync(id, _ => _h.Timeline(id).Any(t => t.Message.Contains("ignored: that stage is closed", StringComparison.Ordinal)), "the note");
        await _h.SendAllAsync(id, EverythingPasses(id));
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
    }

    [Fact]
    public async Task PlanApprovalTimeout_RemindsThenEscalatesThenRejects()
    {
        _h.Approve = _ => null;
        var policy = FastPolicy() with
        {
            Approvals = FastPolicy().Approvals.ToDictionary(kv => kv.Key, kv => kv.Value with
            {
                Timeout = TimeSpan.FromSeconds(3),
                ReminderBefore = TimeSpan.FromSeconds(2),
                OnTimeout = TimeoutOutcome.EscalateThenReject,
                EscalationTimeout = TimeSpan.FromSeconds(2),
            }),
        };
        var id = await _h.StartReleaseAsync(Request(Id("timeout"), ReleaseType.Minor), policy);

        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Rejected, outcome.Status);
        Assert.Contains("timed out after escalation", outcome.Reason);
        Assert.Equal([ApprovalKind.Request, ApprovalKind.Reminder, ApprovalKind.Escalation], _h.ApprovalRequests.Where(a => a.ReleaseId == id).Select(a => a.Kind));
        Assert.Contains(_h.ApprovalRequests.Last(a => a.ReleaseId == id).Approvers, a => a.Email == "rm@example.com");
        Assert.Single(_h.Published, p => p.ReleaseId == id && p.Type == ReleaseEventType.ApprovalExpired);
        Assert.Single(_h.ClosedStages, c => c.ReleaseId == id);
    }

    [Fact]
    public async Task DevelopmentGate_FailsOnLowCoverage_ThenPassesOnNewEvidence()
    {
        var request = Request(Id("gate"), ReleaseType.Minor);
        var id = await _h.StartReleaseAsync(request);
        await _h.SendAllAsync(id, EverythingPasses(id, coverage: 70));

        await _h.WaitForAsync(id, r => r.Gates?.Any(g => g.Item == "test-coverage" && g.Verdict == "Failed") == true, "coverage failed");
        Assert.DoesNotContain(_h.Deployments, d => d.ReleaseId == id);
        await _h.RaiseAsync(id, Evidence(id, "test-coverage", value: 85));
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        Assert.Contains(_h.Timeline(id), t => t.Kind == TimelineKinds.Gate && t.Message.Contains("Failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TestSuiteRun_CountsForTheGateItemsThePolicyMapsItTo()
    {
        var policy = FastPolicy() with { TestSuiteEvidence = new TestSuiteEvidence { ResultItem = "integration-tests", CoverageItem = "test-coverage" } };
        var request = Request(Id("suite"), ReleaseType.Minor);
        var id = await _h.StartReleaseAsync(request, policy);
        // No evidence of its own for integration-tests or test-coverage: one finished test-suite run stands for both.
        await _h.SendAllAsync(id, EverythingPasses(id).Where(e => e.Attribute(EventAttributes.GateItem) is not ("integration-tests" or "test-coverage")));
        await _h.RaiseAsync(id, Event(CanonicalEventType.TestSuiteRunFinished, id, EventOutcomes.Success, attributes: (EventAttributes.Coverage, "91.5")));

        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        Assert.Contains(_h.Timeline(id), t => t.Kind == TimelineKinds.Gate && t.Message == $"Gate {ReleaseStages.Gate(DeploymentEnvironment.Staging)}: Passed.");
    }

    [Fact]
    public async Task DeploymentFailure_EndsFailedNamingTheEnvironment()
    {
        _h.Deploy = (env, _) => env == "staging" ? EventOutcomes.Failure : EventOutcomes.Success;
        var request = Request(Id("deployfail"), ReleaseType.Minor);

        var outcome = await RunToEndAsync(request);

        Assert.Equal(ReleaseStatus.Failed, outcome.Status);
        Assert.Contains("staging failure", outcome.Reason);
        Assert.Equal(["integration", "staging"], _h.Deployments.Where(d => d.ReleaseId == request.Id).Select(d => d.Environment));
    }

    [Fact]
    public async Task DeploymentWithoutOutcome_FailsAfterTheDeploymentTimeout()
    {
        _h.Deploy = (_, _) => null;
        var request = Request(Id("silent"), ReleaseType.Patch);
        var id = await _h.StartReleaseAsync(request, timings: new ReleaseTimings(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)));
        await _h.SendAllAsync(id, EverythingPasses(id));

        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Failed, outcome.Status);
        Assert.Contains("no outcome", outcome.Reason);
    }

    [Fact]
    public async Task ValidationBreach_RequestsOneRollbackAndEndsRolledBack()
    {
        _h.Reading = q => new HealthReading(q.ReleaseId, DateTimeOffset.UtcNow, [new SystemHealth("Billing", 7m, 300, 99m, 40, 0.5m, 250)], false, null);
        var request = Request(Id("breach"), ReleaseType.Minor);

        var outcome = await RunToEndAsync(request);

        Assert.Equal(ReleaseStatus.RolledBack, outcome.Status);
        Assert.Contains("error rate 7 %", outcome.Reason);
        var rollback = Assert.Single(_h.Deployments, d => d.ReleaseId == request.Id && d.Rollback);
        Assert.Equal("production", rollback.Environment);
        Assert.Single(_h.Published, p => p.ReleaseId == request.Id && p.Type == ReleaseEventType.ReleaseRolledBack);
    }

    [Fact]
    public async Task ValidationAvailabilityBelowTheDefault_RollsBackNamingIt()
    {
        _h.Reading = q => new HealthReading(q.ReleaseId, DateTimeOffset.UtcNow, [new SystemHealth("Billing", 0.2m, 300, 97.5m, 3, 0.1m, 250, 99.9m, 2)], false, null);
        var request = Request(Id("availability"), ReleaseType.Patch);

        var outcome = await RunToEndAsync(request);

        Assert.Equal(ReleaseStatus.RolledBack, outcome.Status);
        Assert.Contains("Billing: availability 97.5 % below 99.0 %", outcome.Reason);
    }

    [Fact]
    public async Task MonitorReportsABreachDuringTheWatch_RollsBack()
    {
        var policy = FastPolicy() with { SuccessCriteria = FastPolicy().SuccessCriteria with { WatchDuration = TimeSpan.FromMinutes(5), CheckInterval = TimeSpan.FromMinutes(1) } };
        var request = Request(Id("watch"), ReleaseType.Patch);
        var id = await _h.StartReleaseAsync(request, policy);
        await _h.SendAllAsync(id, EverythingPasses(id));
        await _h.WaitForAsync(id, r => r.Stage == ReleaseStages.Watch, "the watch");

        await _h.Client.RaiseEventAsync(id, ReleaseEventNames.Health, new HealthReading(id, DateTimeOffset.UtcNow,
            [new SystemHealth("Billing", 12m, 300, 99m, 40, 0.5m, 250)], false, null));
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.RolledBack, outcome.Status);
        Assert.Contains("error rate 12", outcome.Reason);
    }

    [Fact]
    public async Task WatchReading_BreachingOnlyThePolicyChangedAfterStart_IsJudgedWithThePolicyCapturedAtStart()
    {
        var lenient = FastPolicy() with
        {
            SuccessCriteria = FastPolicy().SuccessCriteria with
            {
                DefaultThresholds = new PerformanceThresholds { MaxErrorRatePercent = 20m, MaxP95LatencyMilliseconds = 5000 },
            },
        };
        var request = Request(Id("captured"), ReleaseType.Patch);
        var reading = new HealthReading(request.Id, DateTimeOffset.UtcNow, [new SystemHealth("Billing", 12m, 1500, 99m, 40, 0.5m, 250)], false, null);
        // The policy in force now (the built-in one) would breach on this reading: the monitor stores that verdict...
        Assert.Equal(["error rate 12 % above 1.0 %", "p95 duration 1500 ms above 1000 ms"], HealthBreaches.Evaluate(ReleasePolicyDefaults.Create(), reading)["Billing"]);
        _h.MonitorReading = _ => reading;

        var outcome = await RunToEndAsync(request, lenient);

        // ...but the release is judged by the policy it started with.
        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        Assert.Single(_h.MonitorReadings, r => r.ReleaseId == request.Id);
        Assert.DoesNotContain(_h.Deployments, d => d.ReleaseId == request.Id && d.Rollback);
        Assert.Contains(_h.Timeline(request.Id), t => t.Kind == TimelineKinds.Watch && t.Message.Contains("(1 health reading(s) judged)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CriticalIncidentDuringTheWatch_RollsBackNamingTheIncidents()
    {
        var policy = FastPolicy() with { SuccessCriteria = FastPolicy().SuccessCriteria with { WatchDuration = TimeSpan.FromMinutes(5) } };
        var request = Request(Id("incident"), ReleaseType.Patch);
        var id = await _h.StartReleaseAsync(request, policy);
        await _h.SendAllAsync(id, EverythingPasses(id));
        await _h.WaitForAsync(id, r => r.Stage == ReleaseStages.Watch, "the watch");

        await _h.RaiseAsync(id, Event(CanonicalEventType.IncidentDetected, id, attributes: (EventAttributes.Severity, "critical")));
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.RolledBack, outcome.Status);
        Assert.Contains("1 critical incident(s) during the watch (at most 0 allowed)", outcome.Reason);
    }

    private static ReleasePolicy OnMissingData(MissingHealthDataRule rule) =>
        FastPolicy() with { SuccessCriteria = FastPolicy().SuccessCriteria with { OnMissingHealthData = rule } };

    /// <summary>Billing answered, but with no requests in the window: no value the thresholds judge.</summary>
    private static HealthReading NoRequests(string id) =>
        new(id, DateTimeOffset.UtcNow, [new SystemHealth("Billing", null, null, null, null, null, null)], false, null);

    private static CanonicalEvent SignOff(string id, string by, bool approved = true, string? note = null, string item = SuccessCriteria.DefaultSignOffItem) =>
        Event(CanonicalEventType.GateEvidence, id, attributes:
        [
            (EventAttributes.GateItem, item), (EventAttributes.Attestation, approved ? "approved" : "rejected"),
            (EventAttributes.Approver, by), (EventAttributes.Note, note ?? "checked by hand"),
        ]);

    [Fact]
    public async Task WatchWithoutAnyReading_RequireSignOff_WaitsSayingWhyThenCompletesOnTheReleaseManagersSignOff()
    {
        _h.MonitorReading = _ => null; // monitoring not configured: nothing is raised during the watch
        var request = Request(Id("signoff"), ReleaseType.Hotfix);
        var id = await _h.StartReleaseAsync(request);
        await _h.SendAllAsync(id, EverythingPasses(id));

        // The status line and its warning are two writes (StatusRecorder): wait for both (a full run read between them).
        await _h.WaitForAsync(
            id,
            r => r.StatusReason == "Watch ended without monitoring data: waiting for watch-signoff by release-manager." && r.Warnings is { Count: > 0 },
            "the sign-off wait and its warning");
        var waiting = (await _h.Store.GetAsync(id))!;
        Assert.Equal(ReleaseStages.Watch, waiting.Stage);
        var warning = Assert.Single(waiting.Warnings ?? []);
        Assert.Equal("missing-health-data", warning.Code);
        Assert.StartsWith("Watch had no health data:", warning.Message, StringComparison.Ordinal);
        Assert.Contains(_h.Timeline(id), t => t.Kind == TimelineKinds.Watch && t.Message.StartsWith("Watch ended without monitoring data", StringComparison.Ordinal));
        var asked = await _h.NoticeAsync(id, "watch-signoff-request");
        Assert.Equal(["rm@example.com"], asked.Recipients);
        Assert.Contains(_h.Timeline(id), t => t.Kind == TimelineKinds.Watch && t.Message.Contains("no health reading arrived during the watch", StringComparison.Ordinal));

        await _h.RaiseAsync(id, SignOff(id, "lead@example.com")); // not a release manager: does not count
        await _h.RaiseAsync(id, SignOff(id, "rm@example.com"));
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        var timeline = _h.Timeline(id);
        Assert.Contains(timeline, t => t.Kind == TimelineKinds.Watch && t.Message == "Watch signed off WITHOUT health data by rm@example.com: checked by hand.");
        Assert.Contains(timeline, t => t.Kind == TimelineKinds.Event && t.Message.Contains("[watch-signoff]", StringComparison.Ordinal)); // the audit trail
        Assert.DoesNotContain(timeline, t => t.Message.Contains("targets met", StringComparison.Ordinal));
        Assert.DoesNotContain(_h.Deployments, d => d.ReleaseId == id && d.Rollback);
    }

    [Fact]
    public async Task WatchWithoutAnyReading_SignOffItemIsAGateItem_CountsWhomTheEvidenceRouteEntitlesNotTheSignOffRoles()
    {
        // The sign-off item is the Development gate's 'documentation' (attested by a technical lead): the evidence route
        // refuses a release manager's attestation of it, so the waiting step must not count one either (GateEntitlement).
        _h.MonitorReading = _ => null;
        var policy = FastPolicy() with { SuccessCriteria = FastPolicy().SuccessCriteria with { SignOffItem = "documentation" } };
        Assert.Equal([PolicyRoles.ReleaseManager], policy.SuccessCriteria.SignOffRoles);
        var request = Request(Id("signoff-gate-item"), ReleaseType.Patch);
        var id = await _h.StartReleaseAsync(request, policy);
        await _h.SendAllAsync(id, EverythingPasses(id));

        await _h.WaitForAsync(id, r => r.StatusReason == "Watch ended without monitoring data: waiting for documentation by technical-lead.", "the sign-off wait");
        Assert.DoesNotContain("rm@example.com", (await _h.NoticeAsync(id, "watch-signoff-request")).Recipients);

        await _h.RaiseAsync(id, SignOff(id, "rm@example.com", item: "documentation")); // the sign-off roles, but not the item's: does not count
        await _h.RaiseAsync(id, SignOff(id, "lead@example.com", item: "documentation"));
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        Assert.Contains(_h.Timeline(id), t => t.Kind == TimelineKinds.Watch && t.Message.StartsWith("Watch signed off WITHOUT health data by lead@example.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WatchWithoutAnyReading_SignOffLate_IsRemindedThenEscalatedAndStillWaits()
    {
        _h.MonitorReading = _ => null;
        var policy = FastPolicy() with
        {
            SuccessCriteria = FastPolicy().SuccessCriteria with { SignOffReminderAfter = TimeSpan.FromSeconds(1), SignOffEscalationAfter = TimeSpan.FromSeconds(2) },
        };
        var request = Request(Id("signoff-late"), ReleaseType.Patch);
        var id = await _h.StartReleaseAsync(request, policy);
        await _h.SendAllAsync(id, EverythingPasses(id));

        await _h.WaitForAsync(id, r => r.StatusReason == "Watch sign-off overdue: escalated to executive; still waiting for watch-signoff by release-manager.", "the escalation");
        Assert.Equal(["rm@example.com"], (await _h.NoticeAsync(id, "watch-signoff-reminder")).Recipients);
        Assert.Equal(["exec@example.com", "rm@example.com"], (await _h.NoticeAsync(id, "watch-signoff-escalation")).Recipients);
        Assert.Equal(ReleaseStatus.Active, (await _h.Store.GetAsync(id))!.Status); // escalated, never passed on its own

        await _h.RaiseAsync(id, SignOff(id, "rm@example.com"));
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        Assert.Contains(_h.Timeline(id), t => t.Kind == TimelineKinds.Watch && t.Message.StartsWith("Watch signed off WITHOUT health data by rm@example.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WatchReadingWithNoRequests_Pass_CompletesSayingItPassedWithoutData()
    {
        _h.MonitorReading = NoRequests;
        var request = Request(Id("nodata-pass"), ReleaseType.Patch);

        var outcome = await RunToEndAsync(request, OnMissingData(MissingHealthDataRule.Pass));

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        var timeline = _h.Timeline(request.Id);
        var line = Assert.Single(timeline, t => t.Kind == TimelineKinds.Watch && t.Message.StartsWith("Watch passed WITHOUT health data", StringComparison.Ordinal));
        Assert.Contains("1 of 1 health reading(s) without data (last: Billing: no error rate, no p95 duration, no availability (no requests in the window))", line.Message);
        Assert.DoesNotContain(timeline, t => t.Message.Contains("targets met", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WatchReadingPartial_Fail_RollsBackNamingTheMissingData()
    {
        _h.MonitorReading = id => Healthy(id) with { Partial = true };
        var request = Request(Id("nodata-fail"), ReleaseType.Patch);

        var outcome = await RunToEndAsync(request, OnMissingData(MissingHealthDataRule.Fail));

        Assert.Equal(ReleaseStatus.RolledBack, outcome.Status);
        Assert.Contains("Watch ended without health data: 1 of 1 health reading(s) without data (last: the monitoring service answered only in part)", outcome.Reason);
        Assert.Single(_h.Deployments, d => d.ReleaseId == request.Id && d.Rollback);
    }

    [Fact]
    public async Task ValidationQueryFailed_Fail_RollsBackBeforeTheWatch()
    {
        _h.Reading = q => new HealthReading(q.ReleaseId, DateTimeOffset.UtcNow, [], false, "Monitoring is not configured");
        var request = Request(Id("val-fail"), ReleaseType.Patch);

        var outcome = await RunToEndAsync(request, OnMissingData(MissingHealthDataRule.Fail));

        Assert.Equal(ReleaseStatus.RolledBack, outcome.Status);
        Assert.Contains("Post-deployment validation ended without health data: the monitoring query failed (Monitoring is not configured)", outcome.Reason);
        Assert.DoesNotContain(_h.Timeline(request.Id), t => t.Phase == ReleasePhase.PostRelease);
        Assert.DoesNotContain(_h.MonitorReadings, r => r.ReleaseId == request.Id);
    }

    [Fact]
    public async Task ValidationWithNoRequests_Pass_GoesOnSayingItPassedWithoutData()
    {
        _h.Reading = q => NoRequests(q.ReleaseId);
        var request = Request(Id("val-pass"), ReleaseType.Patch);

        var outcome = await RunToEndAsync(request, OnMissingData(MissingHealthDataRule.Pass));

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        var timeline = _h.Timeline(request.Id);
        Assert.Contains(timeline, t => t.Kind == TimelineKinds.Validation && t.Message.StartsWith("Post-deployment validation passed WITHOUT health data", StringComparison.Ordinal));
        Assert.DoesNotContain(timeline, t => t.Message == "Post-deployment validation passed.");
    }

    [Fact]
    public async Task ValidationWithNoRequests_RequireSignOff_RefusedSignOffRollsBack()
    {
        _h.Reading = q => NoRequests(q.ReleaseId);
        var request = Request(Id("val-signoff"), ReleaseType.Patch);
        var id = await _h.StartReleaseAsync(request);
        await _h.SendAllAsync(id, EverythingPasses(id));
        await _h.WaitForAsync(id, r => r.StatusReason == "Post-deployment validation ended without monitoring data: waiting for watch-signoff by release-manager.", "the sign-off wait");
        await _h.NoticeAsync(id, "validation-signoff-request");

        await _h.RaiseAsync(id, SignOff(id, "rm@example.com", approved: false, note: "no data, no release"));
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.RolledBack, outcome.Status);
        Assert.Contains("Post-deployment validation without health data not signed off: watch-signoff refused by rm@example.com: no data, no release", outcome.Reason);
        Assert.DoesNotContain(_h.MonitorReadings, r => r.ReleaseId == id);
    }

    [Fact]
    public async Task CancelDuringDevelopment_EndsCancelledAndStopsTheNotices()
    {
        var id = await _h.StartReleaseAsync(Request(Id("cancel-dev"), ReleaseType.Minor));
        await _h.RaiseAsync(id, Milestone(id, "feature-complete"));
        await _h.WaitForAsync(id, r => r.Phase == ReleasePhase.Development, "development");

        await _h.Client.RaiseEventAsync(id, ReleaseEventNames.Cancel, new CancelRequest("scope moved to Q1", "rm@example.com", DateTimeOffset.UtcNow));
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Cancelled, outcome.Status);
        Assert.Contains("scope moved to Q1", outcome.Reason);
        Assert.Equal(ReleaseStatus.Cancelled, (await _h.Store.GetAsync(id))!.Status);
        var comms = await _h.Client.WaitForInstanceCompletionAsync($"{id}-comms", getInputsAndOutputs: true, TestContext.Current.CancellationToken);
        Assert.NotEmpty(comms.ReadOutputAs<CommunicationsResult>()!.Skipped);
        Assert.DoesNotContain(_h.Deployments, d => d.ReleaseId == id);
    }

    [Fact]
    public async Task CancelWhileWaitingForTheProductionWindow_EndsCancelledWithoutDeployingToProduction()
    {
        var request = Request(Id("cancel-window"), ReleaseType.Patch, targetDate: DateOnly.FromDateTime(DateTime.UtcNow).AddDays(7));
        var id = await _h.StartReleaseAsync(request);
        await _h.SendAllAsync(id, EverythingPasses(id));
        await _h.WaitForAsync(id, r => r.Stage == ReleaseStages.Window, "the window wait");

        await _h.Client.RaiseEventAsync(id, ReleaseEventNames.Cancel, new CancelRequest("freeze", "rm@example.com", DateTimeOffset.UtcNow));
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Cancelled, outcome.Status);
        Assert.DoesNotContain(_h.Deployments, d => d.ReleaseId == id && d.Environment == "production");
    }

    [Fact]
    public async Task TargetDateMoved_WhileWaitingForTheWindow_RecordsTheDateAndDeploysInTheNewWindow()
    {
        var request = Request(Id("moved"), ReleaseType.Patch, targetDate: DateOnly.FromDateTime(DateTime.UtcNow).AddDays(7));
        var id = await _h.StartReleaseAsync(request);
        await _h.SendAllAsync(id, EverythingPasses(id));
        await _h.WaitForAsync(id, r => r.Stage == ReleaseStages.Window, "the window wait");

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await _h.Client.RaiseEventAsync(id, ReleaseEventNames.Reschedule, new RescheduleRequest(today, "rm@example.com", DateTimeOffset.UtcNow));
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        Assert.Equal(today, (await _h.Store.GetAsync(id))!.Request.TargetDate);
        Assert.Contains(_h.Timeline(id), t => t.Kind == TimelineKinds.Reschedule);
        Assert.Contains(_h.Timeline(id), t => t.Message.StartsWith("Communication timeline re-planned", StringComparison.Ordinal));
        Assert.Contains(_h.Deployments, d => d.ReleaseId == id && d.Environment == "production");
    }

    [Fact]
    public async Task DuplicateAndEarlyEvents_AreAppliedOnce_AndNothingIsLost()
    {
        _h.Approve = stage => stage == ApprovalStageKeys.Plan ? null : true;
        var request = Request(Id("dupes"), ReleaseType.Patch);
        var id = await _h.StartReleaseAsync(request);
        // Evidence first, before the release even reaches development: kept until needed. Each sent twice.
        foreach (var e in EverythingPasses(id))
        {
            await _h.RaiseAsync(id, e);
            await _h.RaiseAsync(id, e);
        }

        // The same decision delivered twice, plus a decision by someone who is not an approver.
        await _h.DecideAsync(id, ApprovalStageKeys.Plan, "stranger@example.com", false, decisionId: "d-x");
        await _h.DecideAsync(id, ApprovalStageKeys.Plan, "lead@example.com", true, decisionId: "d-1");
        await _h.DecideAsync(id, ApprovalStageKeys.Plan, "lead@example.com", true, decisionId: "d-1");
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        var milestoneLines = _h.Timeline(id).Count(t => t.Kind == TimelineKinds.Event && t.Message.Contains("[feature-complete]", StringComparison.Ordinal));
        Assert.Equal(1, milestoneLines);
        Assert.Contains(_h.Timeline(id), t => t.Kind == TimelineKinds.Approval && t.Message.Contains("stranger@example.com", StringComparison.Ordinal));
        Assert.Single(_h.Deployments, d => d.ReleaseId == id && d.Environment == "production");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(ReleaseOrchestrator.CurrentVersion + 1)]
    [InlineData(99)]
    public async Task UnknownLifecycleVersion_FailsWithAClearMessage(int version)
    {
        var id = await _h.StartReleaseAsync(Request(Id("version"), ReleaseType.Patch), version: version);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await _h.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Contains($"lifecycle version {version}, which this build does not run", result.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains($"this build runs version {ReleaseOrchestrator.CurrentVersion}", result.FailureDetails.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(_h.Timeline(id));
    }
}
