using ReleaseManagement.Objectives;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Ports;

/// <summary>The verdicts of releases' business objectives (table <c>Objectives</c>: a partition per release).</summary>
public interface IObjectiveStore
{
    /// <summary>Stores a verdict once per objective and checkpoint: false when one is stored already (it stands).</summary>
    Task<bool> AddAsync(ObjectiveVerdict verdict, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ObjectiveVerdict>> ListAsync(string releaseId, CancellationToken cancellationToken = default);
}

/// <summary>Reads a business objective's measure (Azure Monitor); never throws for missing data, says why instead.</summary>
public interface IObjectiveMeasures
{
    /// <summary>The value of <paramref name="measure"/> for <paramref name="release"/> over [<paramref name="from"/>, <paramref name="to"/>).</summary>
    Task<ObjectiveMeasurement> MeasureAsync(string measure, ReleaseRequest release, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);
}
