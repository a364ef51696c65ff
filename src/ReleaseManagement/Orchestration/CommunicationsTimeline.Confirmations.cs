using Microsoft.DurableTask;
using ReleaseManagement.Activities;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// The confirmations a notice of the timeline asks for (<see cref="CommunicationConfirmation"/>, version 3): asked when the
/// notice goes out, checked when the later notice it names comes due, looked for again while missing.
/// </summary>
internal sealed partial class CommunicationsTimeline
{
    // Asked for: checked when the communication they name (warnAt) comes due. Missing then: looked for again until recorded.
    private readonly List<CommunicationConfirmation> _asked = [];
    private readonly List<CommunicationConfirmation> _unconfirmed = [];

    private ConfirmationQuery Query(CommunicationConfirmation confirm) => ConfirmationQuery.For(_release.Id, confirm, _approvers);

    // Before a communication goes out: each confirmation asked for that it checks (its warnAt) is looked up; one missing is a
    // warning on the release, and the plan's approvers and the confirming roles are told.
    private async Task CheckConfirmationsDueAt(ScheduledCommunication c)
    {
        foreach (var confirm in _asked.Where(a => a.WarnAt == c.Id && !_unconfirmed.Contains(a)).ToArray())
        {
            var state = await Guarded(Dependencies.Storage, $"the check of {confirm.Item}", () => _context.CheckConfirmationAsync(Query(confirm)), new ConfirmationState(true));
            _asked.Remove(confirm);
            if (state.Confirmed)
            {
                await Note($"{confirm.Description}: confirmed by {state.By} at {state.At:u}.", subject: confirm.Item);
                continue;
            }

            var message = $"Not confirmed: {confirm.Description} ({confirm.Item}). {c.Id} is due and no {string.Join(" or ", confirm.Roles)} has attested it; the plan's approvers are told.";
            await Note(message, new ReleaseWarning(NoticeWarnings.ConfirmationMissing, message, Now), subject: confirm.Item);
            _unconfirmed.Add(confirm);
            var roles = confirm.Roles.Concat(ApprovalPlan.For(_policy, _release).Plan.RequiredRoles).Distinct(StringComparer.Ordinal)
                .Select(r => ContactEntry.RolePrefix + r).ToArray();
            var draft = new ReleaseNotice(_release.Id, $"{NoticeTemplates.ConfirmationMissing}:{confirm.Item}@{_release.TargetDate:yyyy-MM-dd}",
                $"[{_release.Id}] Not confirmed: {confirm.Description}", message, [])
            {
                Facts = new Dictionary<string, string> { [NoticeFacts.ConfirmItem] = confirm.Item, [NoticeFacts.Reason] = message },
            };
            await Notify(NoticeTemplates.ConfirmationMissing, $"Not confirmed: {confirm.Description}", NoticeTemplates.ConfirmationMissing, roles, draft);
        }
    }

    // While a confirmation is missing it is looked for again; once every one is recorded the warning clears. A release that
    // ends stops the looking (its warning clears: nothing is awaited any more).
    private async Task Recheck()
    {
        foreach (var confirm in _unconfirmed.ToArray())
        {
            var state = await Guarded(Dependencies.Storage, $"the check of {confirm.Item}", () => _context.CheckConfirmationAsync(Query(confirm)), new ConfirmationState(false));
            if (state.Confirmed)
            {
                _unconfirmed.Remove(confirm);
                await TryWrite(Line($"{confirm.Description}: confirmed by {state.By} at {state.At:u}.", null,
                    _unconfirmed.Count == 0 ? NoticeWarnings.ConfirmationMissing : null, subject: confirm.Item));
            }
        }
    }

    private async Task StopAwaitingConfirmations(string why)
    {
        if (_unconfirmed.Count > 0)
        {
            await TryWrite(Line($"No longer awaited: {string.Join(", ", _unconfirmed.Select(u => u.Item))} ({why}).", null, NoticeWarnings.ConfirmationMissing));
            _unconfirmed.Clear();
        }
    }
}
