namespace ReleaseManagement.Metrics;

public enum DoraBand
{
    Elite,
    High,
    Medium,
    Low,
}

public enum DoraKey
{
    DeploymentFrequency,
    LeadTimeForChanges,
    ChangeFailureRate,
    FailedDeploymentRecoveryTime,
}

/// <summary>A DORA key banded against the clusters of one report year. The year is stored with every banding because the
/// clusters change from report to report. <see cref="Band"/> is null when the key has no data.</summary>
public sealed record DoraBanding(DoraKey Key, int Year, DoraBand? Band);

/// <summary>
/// The software delivery performance clusters of the Accelerate State of DevOps reports, as classification thresholds.
/// Each year lists, per key, the bands from best to worst with the bound a value must meet; a value gets the first band
/// whose bound it meets, and the last band when it meets none. Frequencies are deployments per day (a value meets the
/// bound when it is at least it); durations and rates meet it when at most it. Where a report's clusters overlap or are not
/// ordered on one key (2021 and 2024 change failure rate, 2024 recovery time) a band can be unreachable; see docs/metrics.md.
/// </summary>
public static class DoraBands
{
    private const double PerDay = 1.0;
    private const double PerWeek = 1.0 / 7;
    private const double PerMonth = 1.0 / 30;
    private const double PerSixMonths = 1.0 / 182;

    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);
    private static readonly TimeSpan Month = TimeSpan.FromDays(30);
    private static readonly TimeSpan SixMonths = TimeSpan.FromDays(182);

    /// <summary>The report years whose clusters are known, oldest first.</summary>
    public static readonly IReadOnlyList<int> Years = [2021, 2022, 2023, 2024];

    public const int DefaultYear = 2024;

    private sealed record Table(
        (DoraBand Band, double MinPerDay)[] Frequency,
        (DoraBand Band, TimeSpan Max)[] LeadTime,
        (DoraBand Band, decimal MaxPercent)[] ChangeFailure,
        (DoraBand Band, TimeSpan Max)[] Recovery,
        DoraBand Worst);

    private static readonly Dictionary<int, Table> Tables = new()
    {
        [2021] = new(
            [(DoraBand.Elite, PerDay), (DoraBand.High, PerMonth), (DoraBand.Medium, PerSixMonths)],
            [(DoraBand.Elite, Hour), (DoraBand.High, Week), (DoraBand.Medium, SixMonths)],
            [(DoraBand.Elite, 15m), (DoraBand.High, 30m), (DoraBand.Medium, 30m)],
            [(DoraBand.Elite, Hour), (DoraBand.High, Day), (DoraBand.Medium, Week)],
            DoraBand.Low),
        [2022] = new(
            [(DoraBand.High, PerDay), (DoraBand.Medium, PerMonth)],
            [(DoraBand.High, Week), (DoraBand.Medium, Month)],
            [(DoraBand.High, 15m), (DoraBand.Medium, 30m)],
            [(DoraBand.High, Day), (DoraBand.Medium, Week)],
            DoraBand.Low),
        [2023] = new(
            [(DoraBand.Elite, PerDay), (DoraBand.High, PerWeek), (DoraBand.Medium, PerMonth)],
            [(DoraBand.Elite, Day), (DoraBand.High, Week), (DoraBand.Medium, Month)],
            [(DoraBand.Elite, 5m), (DoraBand.High, 10m), (DoraBand.Medium, 15m)],
            [(DoraBand.Elite, Hour), (DoraBand.High, Day), (DoraBand.Medium, Week)],
            DoraBand.Low),
        [2024] = new(
            [(DoraBand.Elite, PerDay), (DoraBand.High, PerWeek), (DoraBand.Medium, PerMonth)],
            [(DoraBand.Elite, Day), (DoraBand.High, Week), (DoraBand.Medium, Month)],
            [(DoraBand.Elite, 5m), (DoraBand.High, 20m), (DoraBand.Medium, 10m)],
            [(DoraBand.Elite, Hour), (DoraBand.High, Day), (DoraBand.Medium, Day)],
            DoraBand.Low),
    };

    public static bool IsKnownYear(int year) => Tables.ContainsKey(year);

    private static Table For(int year) =>
        Tables.TryGetValue(year, out var table)
            ? table
            : throw new ArgumentOutOfRangeException(nameof(year), year, $"No DORA clusters are known for {year}; known years: {string.Join(", ", Years)}.");

    /// <summary>Deployments per day banded; null (no band) when there is no value.</summary>
    public static DoraBanding DeploymentFrequency(int year, double? perDay)
    {
        var t = For(year);
        return new(DoraKey.DeploymentFrequency, year, perDay is not { } v ? null : t.Frequency.Where(b => v >= b.MinPerDay).Select(b => (DoraBand?)b.Band).FirstOrDefault() ?? t.Worst);
    }

    public static DoraBanding LeadTime(int year, TimeSpan? median)
    {
        var t = For(year);
        return new(DoraKey.LeadTimeForChanges, year, median is not { } v ? null : t.LeadTime.Where(b => v <= b.Max).Select(b => (DoraBand?)b.Band).FirstOrDefault() ?? t.Worst);
    }

    public static DoraBanding ChangeFailureRate(int year, decimal? percent)
    {
        var t = For(year);
        return new(DoraKey.ChangeFailureRate, year, percent is not { } v ? null : t.ChangeFailure.Where(b => v <= b.MaxPercent).Select(b => (DoraBand?)b.Band).FirstOrDefault() ?? t.Worst);
    }

    public static DoraBanding RecoveryTime(int year, TimeSpan? median)
    {
        var t = For(year);
        return new(DoraKey.FailedDeploymentRecoveryTime, year, median is not { } v ? null : t.Recovery.Where(b => v <= b.Max).Select(b => (DoraBand?)b.Band).FirstOrDefault() ?? t.Worst);
    }
}
