using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// The release lifecycle, as the procedure reads (lifecycle version 1, <see cref="ReleaseOrchestrator"/>; what a later
/// version adds is gated on <see cref="LifecycleState.Version"/> in the step that adds it): planning, development, promotion Dev → Integration → Staging → Production,
/// post-deployment validation, the post-release watch and success criteria, the hotfix's post-hoc review, and the end of
/// the communication timeline; a rollback on a breach, and cancel at any point. Each step is its own class sharing one
/// <see cref="LifecycleState"/> and one <see cref="StatusRecorder"/>; every rule comes from the policy captured in the input.
/// Deterministic: time from the context, ids from <see cref="TaskOrchestrationContext.NewGuid"/>, logs replay-safe, side
/// effects in activities (<see cref="ActivityCalls"/>).
/// </summary>
public sealed class ReleaseLifecycle
{
    private readonly LifecycleState _state;
    private readonly StatusRecorder _status;
    private readonly CommunicationsStep _communications;
    private readonly LifecycleWait _wait;
    private readonly ApprovalStep _approval;
    private readonly GateStep _gate;
    private readonly DevelopmentStep _development;
    private readonly RouteStep _route;
    private readonly ValidationStep _validation;
    private readonly WatchStep _watch;
    private readonly EmergencyReviewStep _emergencyReview;
    private readonly RollbackStep _rollback;

    public ReleaseLifecycle(TaskOrchestrationContext context, ReleaseOrchestrationInput input)
    {
        _state = new LifecycleState(context, input);
        EffectJournal.Attach(context, input.Resume?.Lifecycle);
        _status = new StatusRecorder(_state);
        _state.Effects = _status.Effects = new EffectGuard(_state, _status);
        _communications = new CommunicationsStep(_state, _status);
        _wait = new LifecycleWait(_state, _status, _communications);
        _approval = new ApprovalStep(_state, _status, _wait);
        var gate = _gate = new GateStep(_state, _status, _wait);
        var deployment = new DeploymentStep(_state, _status, _wait);
        _development = new DevelopmentStep(_state, _status, _wait, gate);
        _route = new RouteStep(_state, _status, _wait, gate, _approval, new ProductionWindowStep(_state, _status, _wait), deployment);
        var missingData = new MissingHealthDataStep(_state, _status, _wait, deployment);
        deployment.Checkpoints = new CheckpointAnalysis(_state, _status, missingData);
        _validation = new ValidationStep(_state, _status, _wait, deployment, missingData);
        _watch = new WatchStep(_state, _status, _wait, deployment, missingData);
        _emergencyReview = new EmergencyReviewStep(_state, _status, _wait);
        _rollback = new RollbackStep(_state, _status, deployment);
        _state.Inbox.OnEvent = e => _status.TimelineAsync(TimelineKinds.Event, Describe(e));
        _state.Inbox.OnDecision = _approval.NoteStaleDecisionAsync;
        _state.Inbox.BeforeWait = _status.FlushAsync;
    }

    public async Task<ReleaseOutcome> RunAsync()
    {
        ReleaseOutcome outcome;
        try
        {
            outcome = await RunStepsAsync() ?? new ReleaseOutcome(ReleaseStatus.Completed, "Released to production; success criteria met.");
        }
        catch (ReleaseCancelledException e)
        {
            outcome = new ReleaseOutcome(ReleaseStatus.Cancelled, $"Cancelled by {e.Request.By}: {e.Request.Reason}");
        }

        if (outcome.Status != ReleaseStatus.Completed)
        {
            _communications.Stop(outcome);
        }

        await _status.PublishAsync(outcome.Status switch
        {
            ReleaseStatus.Completed => ReleaseEventType.ReleaseCompleted,
            ReleaseStatus.Rejected => ReleaseEventType.ReleaseRejected,
            ReleaseStatus.RolledBack => ReleaseEventType.ReleaseRolledBack,
            ReleaseStatus.Cancelled => ReleaseEventType.ReleaseCancelled,
            _ => ReleaseEventType.ReleaseFailed,
        }, new() { ["reason"] = outcome.Reason });
        _state.Phase = ReleasePhase.Closed;
        await _status.RecordAsync(new StatusRecord(outcome.Reason, ReleaseStages.Closed, TimelineKinds.Outcome) { Status = outcome.Status, PendingApprovals = [] });
        await _status.FlushAsync();
        _state.Log.LogInformation("Release {ReleaseId} ended {Status}: {Reason}", _state.ReleaseId, outcome.Status, outcome.Reason);
        return outcome;
    }

    /// <summary>The procedure, step by step. Null when the release completed; else the outcome that ended it early.</summary>
    private async Task<ReleaseOutcome?> RunStepsAsync()
    {
        var (release, policy, risk) = (_state.Release, _state.Policy, _state.Risk);

        // 1. Planning: risk, the communication timeline, the Planning gate, the plan (or emergency) approval with the
        //    risk's and the change category's extra roles (and the release manager when the request was over its type's
        //    cadence under RequireApproval), unless the category's approval route skips it (pre-approved).
        await _status.PublishAsync(ReleaseEventType.ReleaseStarted, new() { ["type"] = release.Type.ToString() });
        await _status.RecordAsync(new StatusRecord($"Planning: risk {risk.Level}.", ReleaseStages.Planning, TimelineKinds.Phase)
        {
            Risk = $"{risk.Level} (impact {risk.Impact}, probability {risk.Probability}): {risk.Mitigation.Strategy}",
        });
        if (release.ReclassifiedFrom is { } from)
        {
            await _status.TimelineAsync(TimelineKinds.Status,
                $"Reclassified from a {from} to a {release.EffectiveChangeCategory} change: risk {risk.Level} is above what a {from} change accepts ({policy.ChangeCategories[from].MaxRisk}).");
        }

        // The request's cadence and conflict warnings (already on the release's row, written by the request handler).
        foreach (var warning in _state.Input.AdmissionWarnings ?? [])
        {
            await _status.TimelineAsync(TimelineKinds.Warning, warning.Message);
        }

        _communications.Start();
        var planStage = _state.TypePolicy.ApprovalStage;
        var planning = ReleaseGates.Planning(policy);
        if (policy.Planning.Blocking)
        {
            await _gate.RunAsync(ReleaseStages.Planning, new EffectiveGate(planning, []));
        }

        if (_state.Approvals.PreApproves(planStage))
        {
            await _approval.SkipAsync(planStage);
        }
        else if (await _approval.RunAsync(planStage, _state.Approvals.Plan, planning, gateBlocks: policy.Planning.Blocking) is { } rejected)
        {
            return rejected;
        }

        // 2. Development: the milestones, then the development gate at Release Candidate (not on the compressed hotfix route).
        if (_state.TypePolicy.PromotionRoute == PromotionRouteKind.Standard)
        {
            await _development.RunAsync();
        }

        // 3. Promotion through the route: trigger, gates, approval, the production window, deployment. A rollback on
        // demand of a lower environment goes back to the promotion into it.
        DateTimeOffset? deployedAt = null;
        var route = policy.PromotionRoute(release.Type);
        for (var i = 0; i < route.Count;)
        {
            try
            {
                if (await _route.RunAsync(route[i]) is { } failed)
                {
                    return failed;
                }

                deployedAt = route[i].To == DeploymentEnvironment.Production ? _state.Now : deployedAt;
                i++;
            }
            catch (RollbackRequestedException requested)
            {
                if (await _rollback.RunAsync(requested) is { } ended)
                {
                    return ended;
                }

                i = Math.Max(0, route.ToList().FindIndex(s => s.To == requested.Environment));
            }
        }

        try
        {
            return await AfterProductionAsync(deployedAt ?? _state.Now);
        }
        catch (RollbackRequestedException requested)
        {
            // After the production deployment only production can be rolled back (RollbackTargets): the release ends.
            return await _rollback.RunAsync(requested) ?? new ReleaseOutcome(ReleaseStatus.RolledBack, $"Rolled back: {requested.Message}");
        }
    }

    /// <summary>Steps 4 to 7, after the production deployment at <paramref name="since"/>.</summary>
    private async Task<ReleaseOutcome?> AfterProductionAsync(DateTimeOffset since)
    {
        // 4. Post-deployment validation; 5. the watch and the success criteria. A breach of either rolls back.
        if (await _validation.RunAsync(since) is { } invalid)
        {
            return invalid;
        }

        // The release's feature flags, step by step, each step checked like the deployment (lifecycle version 2); the
        // watch then counts from when the last flag took all its audience.
        if (await new FeatureFlagStep(_state, _status).RunAsync(_validation) is { } flagged)
        {
            return flagged;
        }

        since = _state.FlagsOn.Count > 0 ? _state.Now : since;

        if (await _watch.RunAsync(since) is { } breached)
        {
            return breached;
        }

        // 6. The hotfix's post-hoc review; 7. the notices still due (T+1) before the release closes.
        if (_state.Release.Type == ReleaseType.Hotfix)
        {
            await _emergencyReview.RunAsync(since);
        }

        await _communications.FinishAsync(_wait);
        return null;
    }

    private static string Describe(CanonicalEvent e) =>
        $"{e.Type} from {e.Source}" + (e.Environment is { } env ? $" ({env})" : string.Empty) + (e.Outcome is { } o ? $": {o}" : string.Empty)
        + (e.Attribute(EventAttributes.Milestone) ?? e.Attribute(EventAttributes.GateItem) ?? e.Attribute(EventAttributes.Step)) switch { { } x => $" [{x}]", _ => string.Empty };
}
