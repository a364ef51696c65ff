using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Activities;

/// <summary>
/// The input of <see cref="CheckConfirmation"/>: the confirmation <paramref name="Item"/> a communication asked for, and who
/// may give it: <paramref name="People"/> (the holders of <paramref name="Roles"/> in the release's directory) or a
/// signed-in person whose claims grant one of the roles (an attestation through the API carries them).
/// </summary>
public sealed record ConfirmationQuery(string ReleaseId, string Item, IReadOnlyList<string> People, IReadOnlyList<string> Roles)
{
    /// <summary>The query for <paramref name="confirm"/> of release <paramref name="releaseId"/>, its people from the release's directory.</summary>
    public static ConfirmationQuery For(string releaseId, Policy.CommunicationConfirmation confirm, IReadOnlyDictionary<string, IReadOnlyList<string>> approvers)
    {
        ArgumentNullException.ThrowIfNull(confirm);
        ArgumentNullException.ThrowIfNull(approvers);
        return new(releaseId, confirm.Item,
            confirm.Roles.SelectMany(r => approvers.GetValueOrDefault(r) ?? []).Distinct(StringComparer.OrdinalIgnoreCase).ToArray(), confirm.Roles);
    }
}

/// <summary>Whether the confirmation is recorded, and by whom and when (the first that counts).</summary>
public sealed record ConfirmationState(bool Confirmed, string? By = null, DateTimeOffset? At = null);

/// <summary>
/// Reads the release's stored events for an approving attestation of a communication's confirmation item
/// (<see cref="Policy.CommunicationConfirmation"/>) by someone entitled: the communication timeline asks before its
/// <c>warnAt</c> notice, and again while it warns. Reads only.
/// </summary>
public sealed class CheckConfirmation(IPipelineEventStore events)
{
    public async Task<ConfirmationState> RunAsync(ConfirmationQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var stored = await events.ListByReleaseAsync(query.ReleaseId, cancellationToken);
        return Find(stored.Select(s => s.Event), query);
    }

    /// <summary>The first approving attestation of the query's item, among <paramref name="events"/>, by someone entitled.</summary>
    public static ConfirmationState Find(IEnumerable<CanonicalEvent> events, ConfirmationQuery query)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(query);
        var people = new HashSet<string>(query.People, StringComparer.OrdinalIgnoreCase);
        var confirmation = events
            .Where(e => e.Type == CanonicalEventType.GateEvidence
                && string.Equals(e.ReleaseId, query.ReleaseId, StringComparison.Ordinal)
                && string.Equals(e.Attribute(EventAttributes.GateItem), query.Item, StringComparison.OrdinalIgnoreCase)
                && string.Equals(e.Attribute(EventAttributes.Attestation), "approved", StringComparison.OrdinalIgnoreCase)
                && e.Attribute(EventAttributes.Approver) is { Length: > 0 } by
                && (people.Contains(by) || ReleaseInbox.ClaimedRoles(e)?.Intersect(query.Roles, StringComparer.OrdinalIgnoreCase).Any() == true))
            .OrderBy(e => e.OccurredAt)
            .FirstOrDefault();
        return confirmation is null
            ? new ConfirmationState(false)
            : new ConfirmationState(true, confirmation.Attribute(EventAttributes.Approver), confirmation.OccurredAt);
    }
}
