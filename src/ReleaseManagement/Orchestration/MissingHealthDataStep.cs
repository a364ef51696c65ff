using ReleaseManagement.Activities;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// What the post-deployment validation or the watch does when it ended without health data (<see cref="HealthData"/>):
/// the captured policy's <see cref="SuccessCriteria.OnMissingHealthData"/>. Never "targets met": <c>Pass</c> says it
/// passed without data, <c>Fail</c> rolls back naming what is missing, <c>RequireSignOff</c> waits for an attestation of
/// <see cref="SuccessCriteria.SignOffItem"/> by someone the evidence route's rule entitles
/// (<see cref="GateEntitlement.MaySignOff"/>: a holder of <see cref="SuccessCriteria.SignOffRoles"/> unless a gate defines
/// the item with its own attestation roles) sent after the step asked for it (a refusal rolls back), reminded after
/// <see cref="SuccessCriteria.SignOffReminderAfter"/> and escalated after <see cref="SuccessCriteria.SignOffEscalationAfter"/>,
/// then waited for until it comes (or the release is cancelled): nothing passes on its own.
/// </summary>
internal sealed class MissingHealthDataStep(LifecycleState state, StatusRecorder status, LifecycleWait wait, DeploymentStep deployment)
{
    /// <summary>The warning the release carries once a step ended without health data (it stays: the data never came).</summary>
    public const string WarningCode = "missing-health-data";

    /// <param name="what">The step in words, as a sentence starts: <c>Watch</c>, <c>Post-deployment validation</c>.</param>
    /// <param name="key">The step in a notice id: <c>watch</c>, <c>validation</c>.</param>
    /// <param name="stage">The stage the step projects while it waits.</param>
    /// <param name="passedStage">The stage once it is passed or signed off.</param>
    /// <param name="kind">The timeline kind of its lines.</param>
    /// <param name="missing">What is missing, in words (<see cref="HealthData.Missing"/>).</param>
    /// <returns>Null to go on; else the outcome that ends the release.</returns>
    public async Task<ReleaseOutcome?> RunAsync(string what, string key, string stage, string passedStage, string kind, string missing)
    {
        var criteria = state.Policy.SuccessCriteria;
        IReadOnlyList<ReleaseWarning> warning = [new(WarningCode, $"{what} had no health data: {missing}.", state.Now)];
        switch (criteria.OnMissingHealthData)
        {
            case MissingHealthDataRule.Pass:
                await status.RecordAsync(new StatusRecord(
                    $"{what} passed WITHOUT health data (onMissingHealthData: Pass); targets not checked: {missing}.", passedStage, kind)
                {
                    Warnings = warning,
                });
                return null;
            case MissingHealthDataRule.Fail:
                var reason = $"{what} ended without health data: {missing}";
                await status.RecordAsync(new StatusRecord(null, null, kind) { Message = reason, Warnings = warning });
                return await deployment.RollBackAsync(reason);
        }

        // Who may sign off is the evidence route's rule for this attestation (GateEntitlement), not a second copy of it here.
        var item = criteria.SignOffItem;
        var signOffRoles = GateEntitlement.RolesFor(GateEntitlement.SignOffItem(state.Policy), EvidenceKinds.Attestation);
        var roles = signOffRoles.Count == 0 ? "anyone" : string.Join(" or ", signOffRoles);
        var since = state.Inbox.Events.Count;
        CanonicalEvent? SignOff() => state.Inbox.Events.Skip(since).FirstOrDefault(e =>
            e.Type == CanonicalEventType.GateEvidence
            && string.Equals(e.Attribute(EventAttributes.GateItem), item, StringComparison.OrdinalIgnoreCase)
            && e.Attribute(EventAttributes.Attestation) is not null
            && e.Attribute(EventAttributes.Approver) is var by
            && GateEntitlement.MaySignOff(state.Policy, by ?? string.Empty, ApproverDirectory.WithClaimedRoles(state.Approvers, by ?? string.Empty, ReleaseInbox.ClaimedRoles(e)), state.FourEyes));

        var signers = ReleaseContacts.Resolve(state.Approvers, signOffRoles.Count > 0 ? signOffRoles : criteria.SignOffRoles);
        await NoticeAsync($"{key}-signoff-request",
            $"Sign-off needed: {what.ToLowerInvariant()} of {state.ReleaseId} ended without health data",
            $"The {what.ToLowerInvariant()} of release {state.ReleaseId} ended without health data ({missing}). It is not a pass: "
            + $"review the release and attest '{item}' (POST /api/releases/{state.ReleaseId}/evidence, kind attestation; approved false rolls back).",
            signers);
        await status.RecordAsync(new StatusRecord($"{what} ended without monitoring data: waiting for {item} by {roles}.", stage, kind)
        {
            Message = $"{what} ended without monitoring data: waiting for {item} by {roles}. Missing: {missing}.",
            Warnings = warning,
        });

        var started = state.Now;
        if (!await wait.UntilAsync(() => SignOff() is not null, started + criteria.SignOffReminderAfter))
        {
            await NoticeAsync($"{key}-signoff-reminder", $"Reminder: sign-off needed for {state.ReleaseId}",
                $"The {what.ToLowerInvariant()} of release {state.ReleaseId} is still waiting for '{item}' by {roles}: it ended without health data ({missing}).", signers);
            await status.TimelineAsync(kind, $"Sign-off reminder sent to {signers.Count} person(s).");
        }

        if (!await wait.UntilAsync(() => SignOff() is not null, started + criteria.SignOffEscalationAfter))
        {
            var contacts = ReleaseContacts.Resolve(state.Approvers, criteria.SignOffEscalationContacts);
            await NoticeAsync($"{key}-signoff-escalation", $"OVERDUE: sign-off of {state.ReleaseId} without health data",
                $"The {what.ToLowerInvariant()} of release {state.ReleaseId} ended without health data ({missing}) and has waited "
                + $"{PolicyTime.Describe(criteria.SignOffEscalationAfter)} for '{item}' by {roles}.", [.. contacts, .. signers]);
            await status.RecordAsync(new StatusRecord(
                $"{what} sign-off overdue: escalated to {string.Join(", ", criteria.SignOffEscalationContacts)}; still waiting for {item} by {roles}.", stage, kind));
            await wait.UntilAsync(() => SignOff() is not null, deadline: null);
        }

        var signOff = SignOff()!;
        var by = signOff.Attribute(EventAttributes.Approver);
        var note = signOff.Attribute(EventAttributes.Note) is { } n ? $": {n}" : string.Empty;
        if (!string.Equals(signOff.Attribute(EventAttributes.Attestation), "approved", StringComparison.OrdinalIgnoreCase))
        {
            var refused = $"{what} without health data not signed off: {item} refused by {by}{note}";
            await status.TimelineAsync(kind, refused);
            return await deployment.RollBackAsync(refused);
        }

        await status.RecordAsync(new StatusRecord($"{what} signed off WITHOUT health data by {by}{note}.", passedStage, kind));
        return null;
    }

    private async Task NoticeAsync(string noticeId, string subject, string text, IReadOnlyList<string> recipients)
    {
        await status.FlushAsync();
        var notice = new ReleaseNotice(state.ReleaseId, noticeId, subject, text, recipients.Distinct(StringComparer.OrdinalIgnoreCase).ToArray());
        await state.Effects.RunAsync(Effect.Notice($"the notice {noticeId}"), () => state.Context.SendReleaseNoticeAsync(notice), 0);
    }
}
