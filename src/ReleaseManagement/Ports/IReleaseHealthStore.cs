namespace ReleaseManagement.Ports;

/// <summary>Post-release health readings (table <c>ReleaseHealth</c>): partition = release, row = reading time and system.</summary>
public interface IReleaseHealthStore
{
    /// <summary>Stores one reading's rows, one per system, each with its verdict (<c>Policy.HealthVerdicts.Judge</c>).</summary>
    Task AddAsync(IReadOnlyList<StoredHealth> rows, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<StoredHealth>> ListAsync(string releaseId, CancellationToken cancellationToken = default);
}
