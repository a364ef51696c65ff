using ReleaseManagement.Events;

namespace ReleaseManagement.Releases;

/// <summary>A validated milestone recorded by hand: which of the policy's milestones, by whom, with an optional note.</summary>
public sealed record ManualMilestone(string Milestone, string By, string? Note)
{
    /// <summary>The canonical event (source <c>api</c>) it is stored and raised as, like a pipeline's milestone.</summary>
    public CanonicalEvent ToEvent(string releaseId, string eventId, DateTimeOffset at)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [EventAttributes.Milestone] = Milestone,
            [EventAttributes.Approver] = By,
        };
        if (Note is not null)
        {
            attributes[EventAttributes.Note] = Note;
        }

        return new CanonicalEvent(eventId, EventSources.Api, CanonicalEventType.MilestoneReached, at, releaseId, null, null, null, attributes);
    }
}
