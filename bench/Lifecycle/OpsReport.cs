using System.Globalization;

namespace Lifecycle;

/// <summary>The storage figures of one size (issue 28 §2), per completed release.</summary>
internal sealed record OpsFigures(
    int N, double All, double TimeDriven, double Polling, double ReleaseDriven, double HistoryRows,
    IReadOnlyDictionary<string, double> ByKind, IReadOnlyDictionary<string, double> ByOperation);

/// <summary>
/// Prints what the N releases' window cost in storage operations, per completed release: everything counted, the
/// time-driven part (<see cref="StorageTally"/>), the drivers' polling GETs (their number × the operations of one GET
/// of an active release, counted on the warm-up release while it waited for its approval), and what is left, the
/// release-driven operations, by kind and by operation; then the table queries that crossed partitions and the rows
/// table queries returned.
/// </summary>
internal static class OpsReport
{
    public static OpsFigures Print(
        int completed, int n, StorageTally window, TimeSpan windowLength, (StorageTally Tally, int Gets) perGet, (StorageTally Tally, TimeSpan Length) idle,
        int gets, double historyRows)
    {
        double per = Math.Max(1, completed);
        // Operations of one GET of an active release, by operation (release-driven ones only).
        var getCost = perGet.Tally.Counts.Where(c => !c.Key.TimeDriven)
            .ToDictionary(c => c.Key, c => (double)c.Value / Math.Max(1, perGet.Gets));
        var opsPerGet = getCost.Values.Sum();
        var own = window.Counts.Where(c => !c.Key.TimeDriven).Select(c => c.Key).Union(getCost.Keys)
            .ToDictionary(k => k, k => (window.Counts.GetValueOrDefault(k) - gets * getCost.GetValueOrDefault(k)) / per);
        var all = window.Total / per;
        var timeDriven = (window.Total - window.ReleaseDriven) / per;
        var polling = gets * opsPerGet / per;
        var releaseDriven = own.Values.Sum();
        var idleRate = idle.Tally.Total / idle.Length.TotalSeconds;
        var idleLeak = idle.Tally.ReleaseDriven / idle.Length.TotalSeconds;

        Console.WriteLine($"  storage operations                   per completed release, through the counting proxy ({window.Total} in the {windowLength.TotalSeconds:F0} s window, {window.Failures} answered 5xx or failed)");
        Console.WriteLine($"    all                                {all:F1}");
        Console.WriteLine($"    time-driven, apart                 {timeDriven:F1}   ({Join(window.TimeDriven(), per)}; the idle host: {idleRate:F1} /s, of which {idleLeak:F2} /s not time-driven)");
        Console.WriteLine($"    the drivers' polling GETs          {polling:F1}   ({gets / per:F1} GETs × {opsPerGet:F2} operations, one GET of an active release: {Join(getCost.ToDictionary(c => $"{c.Key.Kind} {c.Key.Name} {c.Key.Op}", c => c.Value), 1)})");
        Console.WriteLine($"    release-driven                     {releaseDriven:F1}   ({Join(own.GroupBy(o => o.Key.Kind).ToDictionary(g => g.Key, g => g.Sum(o => o.Value)), 1)})");
        foreach (var (op, count) in own.OrderByDescending(o => o.Value).Where(o => Math.Abs(o.Value) >= 0.05))
        {
            Console.WriteLine($"      {count,8:F2}  {op.Kind} {op.Name} {op.Op}");
        }

        Console.WriteLine($"    table queries across partitions    {(window.CrossPartitionQueries.Count == 0 ? "none" : Join(window.CrossPartitionQueries, per))}");
        Console.WriteLine($"    rows returned by table queries     {Join(window.RowsReturned, per)}   (the drivers' GETs included: their timeline reads are most of Releases')");
        Console.WriteLine($"    engine history rows                {historyRows:F1}");
        return new OpsFigures(n, all, timeDriven, polling, releaseDriven, historyRows,
            own.GroupBy(o => o.Key.Kind).ToDictionary(g => g.Key, g => g.Sum(o => o.Value), StringComparer.Ordinal),
            own.ToDictionary(o => $"{o.Key.Kind} {o.Key.Name} {o.Key.Op}", o => o.Value, StringComparer.Ordinal));
    }

    /// <summary>The RATIO lines of issue 28 §2: the largest size's figures ÷ the smallest's.</summary>
    public static void Ratios(IReadOnlyList<OpsFigures> figures)
    {
        if (figures.Count < 2)
        {
            return;
        }

        var (first, last) = (figures.MinBy(f => f.N)!, figures.MaxBy(f => f.N)!);
        var suffix = $"{last.N}-vs-{first.N}";
        Console.WriteLine($"storage operations per completed release: {string.Join("; ", figures.Select(f => $"N = {f.N}: release-driven {f.ReleaseDriven:F1}, all {f.All:F1} (time-driven {f.TimeDriven:F1}, polling GETs {f.Polling:F1}), history rows {f.HistoryRows:F1}"))}");
        Console.WriteLine($"release-driven operations per completed release by kind (N = {first.N} / N = {last.N} / ratio):");
        foreach (var kind in first.ByKind.Keys.Union(last.ByKind.Keys).OrderByDescending(k => last.ByKind.GetValueOrDefault(k)))
        {
            var (a, b) = (first.ByKind.GetValueOrDefault(kind), last.ByKind.GetValueOrDefault(kind));
            Console.WriteLine($"  {kind,-16} {a,8:F1} {b,8:F1} {(a > 0 ? Format(b / a) : "-"),6}");
        }

        // What grew per release from the smallest size to the largest (more than 10 % and by at least half an operation).
        var grew = first.ByOperation.Keys.Union(last.ByOperation.Keys)
            .Select(k => (Key: k, A: first.ByOperation.GetValueOrDefault(k), B: last.ByOperation.GetValueOrDefault(k)))
            .Where(o => o.B - o.A >= 0.5 && o.B > 1.1 * o.A).OrderByDescending(o => o.B - o.A).ToList();
        Console.WriteLine($"grew per release from N = {first.N} to N = {last.N}: {(grew.Count == 0 ? "nothing (no operation by more than 10 % and half an operation)" : string.Join(", ", grew.Select(o => $"{o.Key} {o.A:F2} -> {o.B:F2}")))}");
        Console.WriteLine($"RATIO lifecycle-ops-{suffix} {Format(last.ReleaseDriven / first.ReleaseDriven)}");
        Console.WriteLine($"RATIO lifecycle-history-rows-{suffix} {Format(last.HistoryRows / first.HistoryRows)}");
        Console.WriteLine($"RATIO lifecycle-ops-all-{suffix} {Format(last.All / first.All)}   (with the time-driven operations and the drivers' polling GETs)");
    }

    private static string Format(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static string Join<TValue>(IEnumerable<KeyValuePair<string, TValue>> values, double per)
        where TValue : struct, IConvertible =>
        string.Join(", ", values.Select(v => (v.Key, Value: Convert.ToDouble(v.Value, CultureInfo.InvariantCulture) / per))
            .OrderByDescending(v => v.Value).Select(v => $"{v.Key} {v.Value:F2}"));
}
