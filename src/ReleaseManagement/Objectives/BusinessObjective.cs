using ReleaseManagement.Policy;

namespace ReleaseManagement.Objectives;

/// <summary>
/// A business objective a release request carries (the procedure's success criterion "business objectives: achievement of
/// intended business goals"): either measured (a <see cref="Measure"/> of the policy, read from Azure Monitor over the time
/// since the production deployment at each of <see cref="After"/>, compared with <see cref="Target"/>), or attested by a
/// holder of the role <see cref="AttestedBy"/>.
/// </summary>
public sealed record BusinessObjective(string Id, string Description)
{
    /// <summary>The measure (a name of the policy's <c>businessObjectives.measures</c>), for a measured objective.</summary>
    public string? Measure { get; init; }

    /// <summary>How the measured value must compare with <see cref="Target"/>.</summary>
    public ThresholdComparison? Comparison { get; init; }

    public decimal? Target { get; init; }

    /// <summary>When it is measured: these durations after the production deployment (e.g. 7 and 30 days).</summary>
    public IReadOnlyList<TimeSpan> After { get; init; } = [];

    /// <summary>The role whose holder attests it, for an attested objective.</summary>
    public string? AttestedBy { get; init; }

    public bool IsMeasured => Measure is not null;

    /// <summary>The objective's target in words: "checkout-conversion at least 3.5 %" or "attested by product-owner".</summary>
    public string DescribeTarget(string? unit = null) => IsMeasured
        ? $"{Measure} {(Comparison == ThresholdComparison.AtMost ? "at most" : "at least")} {Target:0.###}{(string.IsNullOrEmpty(unit) ? "" : " " + unit)}"
        : $"attested by {AttestedBy}";
}

/// <summary>The verdicts of an objective at a checkpoint: never "met" without data.</summary>
public static class ObjectiveVerdicts
{
    public const string Met = "met";
    public const string NotMet = "not met";
    public const string MissingData = "missing data";
}

/// <summary>
/// One verdict of an objective: at a measured checkpoint (<see cref="Checkpoint"/> the duration after the deployment, e.g.
/// <c>7.00:00:00</c>) or its attestation (<see cref="AttestationCheckpoint"/>).
/// </summary>
public sealed record ObjectiveVerdict(string ReleaseId, string ObjectiveId, string Checkpoint, string Verdict, DateTimeOffset At, string Reason)
{
    public const string AttestationCheckpoint = "attestation";

    /// <summary>The measured value, if any.</summary>
    public decimal? Value { get; init; }

    /// <summary>Who attested it (an attestation), or the measure's source.</summary>
    public string? By { get; init; }

    /// <summary>The checkpoint's name for a duration after the deployment.</summary>
    public static string CheckpointOf(TimeSpan after) => after.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// What the measure adapter read: the value, or why there is none. <see cref="Unavailable"/>: the source did not answer
/// (an outage), so nothing is judged now and the checkpoint is measured again on the next run.
/// </summary>
public sealed record ObjectiveMeasurement(decimal? Value, string? Missing)
{
    public bool Unavailable { get; init; }
}

/// <summary>Pure decisions about objectives.</summary>
public static class ObjectiveJudge
{
    /// <summary>The verdict of a measured objective from a measurement: missing data is never met.</summary>
    public static (string Verdict, string Reason) Judge(BusinessObjective objective, ObjectiveMeasurement measurement, string? unit = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(measurement);
        if (measurement.Value is not { } value || objective.Target is not { } target)
        {
            return (ObjectiveVerdicts.MissingData, $"No value for {objective.Measure}: {measurement.Missing ?? "the query returned none"}.");
        }

        var met = objective.Comparison == ThresholdComparison.AtMost ? value <= target : value >= target;
        return (met ? ObjectiveVerdicts.Met : ObjectiveVerdicts.NotMet,
            $"{objective.Measure} was {value:0.###}{(string.IsNullOrEmpty(unit) ? "" : " " + unit)}; target {objective.DescribeTarget(unit)}.");
    }

    /// <summary>The checkpoints of a measured objective that are due at <paramref name="now"/> for a deployment at <paramref name="deployedAt"/>.</summary>
    public static IEnumerable<TimeSpan> Due(BusinessObjective objective, DateTimeOffset deployedAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(objective);
        return objective.IsMeasured ? objective.After.Where(a => deployedAt + a <= now).Order() : [];
    }
}

/// <summary>
/// The business objectives of a report's releases (those deployed to production in the period): per objective its latest
/// verdict, counted; an objective with no verdict yet is pending (checkpoints to come, or an attestation not given).
/// </summary>
public sealed record ObjectiveTally(int Releases, int Objectives, int Met, int NotMet, int MissingData, int Pending)
{
    public static ObjectiveTally Of(IEnumerable<(IReadOnlyList<BusinessObjective> Objectives, IReadOnlyList<ObjectiveVerdict> Verdicts)> releases)
    {
        ArgumentNullException.ThrowIfNull(releases);
        var withObjectives = releases.Where(r => r.Objectives.Count > 0).ToArray();
        var latest = withObjectives.SelectMany(r => r.Objectives.Select(o => r.Verdicts.Where(v => v.ObjectiveId == o.Id).OrderBy(v => v.At).LastOrDefault()?.Verdict)).ToArray();
        return new ObjectiveTally(withObjectives.Length, latest.Length, latest.Count(v => v == ObjectiveVerdicts.Met), latest.Count(v => v == ObjectiveVerdicts.NotMet),
            latest.Count(v => v == ObjectiveVerdicts.MissingData), latest.Count(v => v is null));
    }
}
