using System.Globalization;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>A small line chart drawn as inline SVG: coordinates are computed here, the component only writes them out.</summary>
public sealed record HealthChart(
    string Title,
    string Unit,
    string? Threshold,
    string Points,
    string? ThresholdY,
    IReadOnlyList<HealthPoint> Values,
    int BreachCount)
{
    public const int Width = 300;
    public const int Height = 80;

    /// <summary>The system's post-release readings stored as missing data (<see cref="HealthVerdict.MissingData"/>).</summary>
    public int MissingCount { get; init; }

    /// <summary>"2 readings without data", or null when every reading had data.</summary>
    public string? MissingText => MissingCount switch { 0 => null, 1 => "1 reading without data", var n => $"{n} readings without data" };

    public string Description => (Values.Count == 0
        ? $"{Title}: no readings."
        : Threshold is null
            ? $"{Title}: {Values.Count} value(s), latest {Values[^1].Value} {Unit}."
            : $"{Title}: {Values.Count} value(s), latest {Values[^1].Value} {Unit}, threshold {Threshold} {Unit}, {BreachCount} above it.")
        + (MissingText is { } m ? $" {m}." : string.Empty);

    public static HealthChart Of(string title, string unit, decimal threshold, IReadOnlyList<(DateTimeOffset At, decimal Value)> values, DisplayFormat format) =>
        Of(title, unit, threshold, values.Select(v => (format.Time(v.At), v.Value)).ToArray());

    /// <summary>A chart of labelled values (a trend over periods) against a threshold.</summary>
    public static HealthChart Of(string title, string unit, decimal? threshold, IReadOnlyList<(string Label, decimal Value)> values)
    {
        var max = Math.Max(values.Count == 0 ? 0 : values.Max(v => v.Value), threshold ?? 0) * 1.15m;
        max = max <= 0 ? 1 : max;
        string Y(decimal v) => Math.Round(Height - (double)(v / max) * Height, 1).ToString(CultureInfo.InvariantCulture);
        string X(int i) => (values.Count <= 1 ? Width / 2.0 : Math.Round(i * (double)Width / (values.Count - 1), 1)).ToString(CultureInfo.InvariantCulture);
        var points = string.Join(" ", values.Select((v, i) => $"{X(i)},{Y(v.Value)}"));
        var list = values.Select((v, i) => new HealthPoint(v.Label, DisplayFormat.Number(v.Value), v.Value > threshold, X(i), Y(v.Value))).ToArray();
        return new HealthChart(title, unit, threshold is { } t ? DisplayFormat.Number(t) : null, points, threshold is { } y ? Y(y) : null, list, list.Count(p => p.Breached));
    }
}

public sealed record HealthPoint(string At, string Value, bool Breached, string X, string Y);
