namespace ReleaseManagement.Ports;

/// <summary>Post-release health readings (table <c>ReleaseHealth</c>): partition = release, row = reading time and system.</summary>
public interface IReleaseHealthStore
{
    Task AddAsync(HealthReading reading, IReadOnlyDictionary<string, IReadOnlyList<string>> breachesBySystem, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<StoredHealth>> ListAsync(string releaseId, CancellationToken cancellationToken = default);
}
