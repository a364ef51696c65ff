using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Metrics;

/// <summary>One earlier period's headline values, for the trend charts.</summary>
public sealed record TrendPoint(
    string Period,
    int Deployments,
    double? DeploymentsPerDay,
    double? LeadTimeMedianHours,
    decimal? ChangeFailureRatePercent,
    double? RecoveryMedianHours,
    decimal? DeploymentSuccessRatePercent);

/// <summary>A named slice of the facts (a system, a release type, a change category) and its metrics.</summary>
public sealed record MetricSegment(string Name, MetricSet Metrics);

/// <summary>
/// A report: the metrics of a period overall and segmented by system, release type and change category, with the trend over
/// the previous periods (oldest first, ending with this one). Stored as JSON in <c>MetricsReports</c> and rendered to HTML.
/// A stored report rebuilt because a late event revised a day it was built from says so (<see cref="Revised"/>).
/// </summary>
public sealed record MetricsReport(
    string Period,
    PeriodKind Kind,
    DateTimeOffset From,
    DateTimeOffset To,
    string TimeZone,
    DateTimeOffset GeneratedAt,
    int DoraYear,
    string? System,
    MetricSet Overall,
    IReadOnlyList<MetricSegment> BySystem,
    IReadOnlyList<MetricSegment> ByReleaseType,
    IReadOnlyList<MetricSegment> ByChangeCategory,
    IReadOnlyList<TrendPoint> Trend,
    MetricTargets Targets)
{
    /// <summary>Rebuilt after it was first stored, because late events changed days it was built from.</summary>
    public bool Revised { get; init; }

    /// <summary>When it was last rebuilt for that reason.</summary>
    public DateTimeOffset? RevisedAt { get; init; }

    /// <summary>Why: per revised day, the late event that made it stale.</summary>
    public IReadOnlyList<string> RevisedBecause { get; init; } = [];

    /// <summary>
    /// The user satisfaction of the releases deployed to production in the period, per release type (the answers to their
    /// feedback links, <see cref="Feedback.SatisfactionSegment"/>). Empty in a report stored before it existed.
    /// </summary>
    public IReadOnlyList<Feedback.SatisfactionSegment> SatisfactionByReleaseType { get; init; } = [];

    /// <summary>The business objectives of the releases deployed to production in the period, by latest verdict. Null in a report stored before it existed.</summary>
    public Objectives.ObjectiveTally? Objectives { get; init; }
}

/// <summary>Builds reports from facts (pure).</summary>
public static class MetricsReportBuilder
{
    /// <summary>How many earlier periods the trend shows: 6 weeks, 6 months, 4 quarters (days: 7).</summary>
    public static int TrendLength(PeriodKind kind) => kind switch
    {
        PeriodKind.Quarter => 4,
        PeriodKind.Day => 7,
        _ => 6,
    };

    /// <summary>
    /// The report of <paramref name="period"/>. <paramref name="facts"/> must cover the trend periods before it and the
    /// failure attribution window after it (see <see cref="FactsWindow"/>). <paramref name="system"/> restricts everything to one system.
    /// </summary>
    public static MetricsReport Build(
        ReportPeriod period, MetricFacts facts, ReleasePolicy policy, int doraYear, DateTimeOffset generatedAt, string? system = null)
    {
        var zone = PolicyTime.Zone(policy);
        if (system is not null)
        {
            facts = facts.ForSystem(system);
        }

        var (from, to) = period.Bounds(zone);
        var overall = MetricsCalculator.Compute(facts, from, to, policy, doraYear);

        var systems = policy.Systems.Keys
            .Concat(facts.Deployments.Select(d => d.Segment.System).OfType<string>())
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Where(s => system is null || string.Equals(s, system, StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(s => new MetricSegment(s, MetricsCalculator.Compute(facts.ForSystem(s), from, to, policy, doraYear)))
            .ToList();
        var types = Enum.GetValues<ReleaseType>()
            .Select(t => new MetricSegment(t.ToString(), MetricsCalculator.Compute(facts.ForReleaseType(t), from, to, policy, doraYear)))
            .ToList();
        var categories = Enum.GetValues<ChangeCategory>()
            .Select(c => new MetricSegment(c.ToString(), MetricsCalculator.Compute(facts.ForChangeCategory(c), from, to, policy, doraYear)))
            .ToList();

        var trend = period.PreviousPeriods(TrendLength(period.Kind)).Append(period)
            .Select(p =>
            {
                var (f, t) = p.Bounds(zone);
                return Point(p.Label, MetricsCalculator.Compute(facts, f, t, policy, doraYear));
            })
            .ToList();

        return new MetricsReport(
            period.Label, period.Kind, from, to, policy.TimeZone, generatedAt, doraYear, system, overall, systems, types, categories, trend, policy.MetricTargets);
    }

    /// <summary>The instants whose facts a report of <paramref name="period"/> needs: from the first trend period to the end
    /// of the failure attribution window after the period (but not after <paramref name="asOf"/>).</summary>
    public static (DateTimeOffset From, DateTimeOffset To) FactsWindow(ReportPeriod period, TimeZoneInfo zone, DateTimeOffset asOf)
    {
        var first = period.PreviousPeriods(TrendLength(period.Kind))[0];
        var from = first.Bounds(zone).From;
        var to = period.Bounds(zone).To + MetricsCalculator.FailureAttributionWindow;
        return (from, to < asOf ? to : asOf);
    }

    public static TrendPoint Point(string label, MetricSet m) => new(
        label,
        m.Deployments,
        m.Dora.DeploymentsPerDay,
        m.Dora.LeadTimeForChanges.MedianHours,
        m.Dora.ChangeFailureRate.Percent,
        m.Dora.FailedDeploymentRecoveryTime.MedianHours,
        m.DeploymentSuccessRate.Percent);
}
