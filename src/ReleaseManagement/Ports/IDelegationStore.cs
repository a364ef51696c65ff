using ReleaseManagement.Approvals;

namespace ReleaseManagement.Ports;

/// <summary>
/// The delegations (table <c>Delegations</c> in Azure): by id, and per person, so that "the delegations of owner P" and
/// "the delegations to delegate D" running at a time are each one partition query.
/// </summary>
public interface IDelegationStore
{
    /// <summary>
    /// Stores <paramref name="delegation"/> unless its id is taken, and returns what is stored under the id: the new one, or
    /// the one stored before (a retry; the caller compares them, <see cref="Delegation.SameRequestAs"/>).
    /// </summary>
    Task<Delegation> AddAsync(Delegation delegation, CancellationToken cancellationToken = default);

    /// <summary>The delegation with <paramref name="id"/>, or null.</summary>
    Task<Delegation?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The delegations <paramref name="owner"/> made, oldest first; with <paramref name="activeAt"/> only those running then.</summary>
    Task<IReadOnlyList<Delegation>> ListByOwnerAsync(string owner, DateTimeOffset? activeAt = null, CancellationToken cancellationToken = default);

    /// <summary>The delegations to <paramref name="delegate"/>, oldest first; with <paramref name="activeAt"/> only those running then.</summary>
    Task<IReadOnlyList<Delegation>> ListByDelegateAsync(string @delegate, DateTimeOffset? activeAt = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends the delegation at <paramref name="at"/> (by its owner <paramref name="by"/>) and returns it; a delegation already
    /// cancelled keeps its first cancellation. Null when there is none with <paramref name="id"/>.
    /// </summary>
    Task<Delegation?> CancelAsync(string id, DateTimeOffset at, string by, CancellationToken cancellationToken = default);
}
