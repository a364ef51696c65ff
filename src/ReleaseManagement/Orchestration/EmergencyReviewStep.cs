using ReleaseManagement.Activities;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// The post-hoc review a hotfix owes: reminded before it is due, escalated when overdue, recorded by evidence for the
/// policy's <see cref="EmergencyReviewPolicy.EvidenceItem"/>. When to wake is <see cref="EmergencyReviewSchedule"/>'s decision.
/// </summary>
internal sealed class EmergencyReviewStep(LifecycleState state, StatusRecorder status, LifecycleWait wait)
{
    public async Task RunAsync(DateTimeOffset deployedAt)
    {
        var review = state.Policy.EmergencyReview;
        var schedule = EmergencyReviewSchedule.For(review, deployedAt);
        var item = review.EvidenceItem;
        var id = state.ReleaseId;
        CanonicalEvent? Review() => state.Inbox.Events.FirstOrDefault(e => IsReview(e, item, review.ReviewerRoles));
        bool Done() => Review() is not null;
        await status.RecordAsync(new StatusRecord($"Emergency change review due by {schedule.DueAt:u}.", ReleaseStages.EmergencyReview, TimelineKinds.Review));
        var reviewers = ReleaseContacts.Resolve(state.Approvers, review.ReviewerRoles);

        if (!await wait.UntilAsync(Done, schedule.ReminderAt))
        {
            await NoticeAsync("review-reminder", $"Emergency change review of {id} due {schedule.DueAt:u}",
                $"The emergency change review of hotfix {id} is due by {schedule.DueAt:u}.\n\n{HowToRecord(id, item, review.ReviewerRoles)}", reviewers);
            await status.TimelineAsync(TimelineKinds.Review, "Review reminder sent.");
        }

        if (!await wait.UntilAsync(Done, schedule.DueAt))
        {
            var contacts = ReleaseContacts.Resolve(state.Approvers, review.EscalationContacts);
            await NoticeAsync("review-escalation", $"OVERDUE: emergency change review of {id}",
                $"The emergency change review of hotfix {id} was due by {schedule.DueAt:u} and is overdue.\n\n{HowToRecord(id, item, review.ReviewerRoles)}", [.. contacts, .. reviewers]);
            await status.RecordAsync(new StatusRecord("Emergency change review overdue: escalated.", ReleaseStages.EmergencyReview, TimelineKinds.Review));
            await wait.UntilAsync(Done, schedule.GiveUpAt);
        }

        var recorded = Review();
        await status.TimelineAsync(TimelineKinds.Review, recorded is null
            ? "Emergency change review still missing after escalation."
            : recorded.Attribute(EventAttributes.Approver) is { Length: > 0 } by ? $"Emergency change review recorded by {by}." : "Emergency change review recorded.");
    }

    /// <summary>
    /// Whether <paramref name="e"/> records the review: gate evidence for the item that is not a waiver (the item takes
    /// none); an attestation counts only from a holder of a reviewer role (the evidence API refuses others; this is the
    /// second line) who did not request the release (<see cref="FourEyes"/>), evidence from a pipeline (a custom CDEvent, no person named) counts unless it reports a failure.
    /// </summary>
    private bool IsReview(CanonicalEvent e, string item, IReadOnlyList<string> reviewerRoles)
    {
        if (e.Type != CanonicalEventType.GateEvidence
            || !string.Equals(e.Attribute(EventAttributes.GateItem)?.Trim(), item, StringComparison.OrdinalIgnoreCase)
            || e.Attribute(EventAttributes.Waiver) is not null)
        {
            return false;
        }

        if (e.Attribute(EventAttributes.Approver) is { Length: > 0 } by)
        {
            return ApproverDirectory.RolesOf(ApproverDirectory.WithClaimedRoles(state.Approvers, by, ReleaseInbox.ClaimedRoles(e)), reviewerRoles, by).Count > 0
                && state.FourEyes.Refusal(state.Policy, GateItemInputs.Find(state.Policy, item) ?? GateItemInputs.EmergencyReview(state.Policy), EvidenceKinds.Attestation, by) is null;
        }

        return e.Attribute(EventAttributes.Attestation) is not null || e.Outcome != EventOutcomes.Failure;
    }

    /// <summary>The exact API call that records the review, for the reminder and the escalation.</summary>
    internal static string HowToRecord(string releaseId, string item, IReadOnlyList<string> reviewerRoles) =>
        $"Record it (as a {string.Join(" or ", reviewerRoles)} of the release; signed in where sign-in is required) with:\n" +
        $"POST /api/releases/{Uri.EscapeDataString(releaseId)}/evidence\n" +
        "Content-Type: application/json\n" +
        $"{{ \"item\": \"{item}\", \"kind\": \"attestation\", \"by\": \"<your email address>\", \"note\": \"<findings>\" }}";

    private async Task NoticeAsync(string noticeId, string subject, string text, IReadOnlyList<string> recipients)
    {
        await status.FlushAsync();
        var notice = new ReleaseNotice(state.ReleaseId, noticeId, subject, text, recipients);
        await state.Effects.RunAsync(Effect.Notice($"the notice {noticeId}"), () => state.Context.SendReleaseNoticeAsync(notice), 0);
    }
}
