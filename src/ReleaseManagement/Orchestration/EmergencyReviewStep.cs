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
        bool Done() => state.Inbox.Events.Any(e => e.Type == CanonicalEventType.GateEvidence && e.Attribute(EventAttributes.GateItem) == item);
        await status.RecordAsync(new StatusRecord($"Emergency change review due by {schedule.DueAt:u}.", ReleaseStages.EmergencyReview, TimelineKinds.Review));
        var reviewers = ReleaseContacts.Resolve(state.Approvers, review.ReviewerRoles);

        if (!await wait.UntilAsync(Done, schedule.ReminderAt))
        {
            await NoticeAsync("review-reminder", $"Emergency change review of {id} due {schedule.DueAt:u}",
                $"The emergency change review of hotfix {id} is due by {schedule.DueAt:u}. Record it with evidence item '{item}'.", reviewers);
            await status.TimelineAsync(TimelineKinds.Review, "Review reminder sent.");
        }

        if (!await wait.UntilAsync(Done, schedule.DueAt))
        {
            var contacts = ReleaseContacts.Resolve(state.Approvers, review.EscalationContacts);
            await NoticeAsync("review-escalation", $"OVERDUE: emergency change review of {id}",
                $"The emergency change review of hotfix {id} was due by {schedule.DueAt:u} and is overdue.", [.. contacts, .. reviewers]);
            await status.RecordAsync(new StatusRecord("Emergency change review overdue: escalated.", ReleaseStages.EmergencyReview, TimelineKinds.Review));
            await wait.UntilAsync(Done, schedule.GiveUpAt);
        }

        await status.TimelineAsync(TimelineKinds.Review, Done() ? "Emergency change review recorded." : "Emergency change review still missing after escalation.");
    }

    private Task NoticeAsync(string noticeId, string subject, string text, IReadOnlyList<string> recipients) =>
        state.Context.SendReleaseNoticeAsync(new ReleaseNotice(state.ReleaseId, noticeId, subject, text, recipients));
}
