using System.Globalization;
using Azure.Data.Tables;

namespace Lifecycle;

/// <summary>
/// Where a run's machine time went: CPU seconds of the local host, Azurite (<c>AZURITE_PID</c>, exported by
/// <c>scripts/lib/azurite.sh</c>) and this harness, read from <c>/proc/PID/stat</c> before and after the N releases.
/// </summary>
internal sealed class CpuMeter
{
    private readonly (string Name, int Pid)[] _processes;
    private readonly double[] _start;

    public CpuMeter(int hostPid)
    {
        var azurite = int.TryParse(Environment.GetEnvironmentVariable("AZURITE_PID"), CultureInfo.InvariantCulture, out var pid) ? pid : 0;
        _processes = [("host", hostPid), ("azurite", azurite), ("harness", Environment.ProcessId)];
        _start = _processes.Select(p => Seconds(p.Pid)).ToArray();
    }

    /// <summary>CPU seconds each process used since this meter was made (NaN where /proc does not tell).</summary>
    public IReadOnlyList<(string Name, double Seconds)> Used() =>
        _processes.Select((p, i) => (p.Name, Seconds(p.Pid) - _start[i])).ToList();

    /// <summary>utime + stime of a process in seconds (clock ticks of 1/100 s on Linux).</summary>
    private static double Seconds(int pid)
    {
        var path = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat";
        if (pid <= 0 || !File.Exists(path))
        {
            return double.NaN;
        }

        // The command name (field 2) is in parentheses and may hold spaces: fields are counted after its ')'.
        var text = File.ReadAllText(path);
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }
}

/// <summary>
/// What the Durable engine stored for a task hub: its History table's rows by event type (orchestrator episodes are the
/// <c>OrchestratorStarted</c> rows, one per replay; activities the <c>TaskScheduled</c> rows, by name; timers the
/// <c>TimerCreated</c> rows), to say per release how much work the engine did.
/// </summary>
internal static class HistoryCount
{
    /// <summary>The description, and the history rows per release.</summary>
    public static async Task<(string Text, double RowsPerRelease)> DescribeAsync(string connectionString, string hub, int releases)
    {
        var table = new TableClient(connectionString, hub + "History");
        var rows = 0;
        var instances = new HashSet<string>(StringComparer.Ordinal);
        var byType = new Dictionary<string, int>(StringComparer.Ordinal);
        var activities = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(select: ["PartitionKey", "EventType", "Name"]))
        {
            rows++;
            instances.Add(row.PartitionKey);
            var type = row.GetString("EventType") ?? "?";
            byType[type] = byType.GetValueOrDefault(type) + 1;
            if (type == "TaskScheduled")
            {
                var name = row.GetString("Name") ?? "?";
                activities[name] = activities.GetValueOrDefault(name) + 1;
            }
        }

        double Per(int count) => (double)count / releases;
        var top = string.Join(", ", activities.OrderByDescending(a => a.Value).Take(6).Select(a => $"{a.Key} {Per(a.Value):F1}"));
        return ($"per release ({releases}, {instances.Count} instances in all): {Per(rows):F0} history rows, "
            + $"{Per(byType.GetValueOrDefault("OrchestratorStarted")):F1} orchestrator episodes (replays), "
            + $"{Per(byType.GetValueOrDefault("TaskScheduled")):F1} activities, {Per(byType.GetValueOrDefault("TimerCreated")):F1} timers, "
            + $"{Per(byType.GetValueOrDefault("EventRaised")):F1} external events; activities by name: {top}", Per(rows));
    }
}
