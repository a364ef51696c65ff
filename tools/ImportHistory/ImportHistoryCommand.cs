using System.Globalization;
using Microsoft.Extensions.Configuration;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Tools.ImportHistory;

/// <summary>The import's command line (docs/import.md): arguments, the composition, the import, the summary and exit code.</summary>
public static class ImportHistoryCommand
{
    public static async Task<int> RunAsync(string[] args, IConfiguration configuration)
    {
        const string Usage = "usage: import-history.sh FILE [--format jsonl|csv] [--dry-run] [--parallel N]";
        string? file = null;
        var format = HistoryFormat.Auto;
        var dryRun = false;
        var parallel = 8;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--format" when i + 1 < args.Length && args[i + 1] is "jsonl" or "csv":
                    format = args[++i] == "csv" ? HistoryFormat.Csv : HistoryFormat.JsonLines;
                    break;
                case "--parallel" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 64:
                    parallel = n;
                    i++;
                    break;
                case "--dry-run":
                    dryRun = true;
                    break;
                case var path when file is null && !path.StartsWith("--", StringComparison.Ordinal):
                    file = path;
                    break;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        if (file is null || !File.Exists(file))
        {
            Console.Error.WriteLine(file is null ? Usage : $"{file}: no such file.");
            return 2;
        }

        ImportHistoryApp app;
        try
        {
            app = ImportHistoryComposition.Build(configuration);
        }
        catch (Exception e) when (e is InvalidOperationException or ReleasePolicyException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }

        await using (app)
        {
            var importer = app.Importer;
            var progress = new ProgressBar(Console.Error);
            ImportSummary summary;
            try
            {
                using var reader = new StreamReader(file);
                summary = await importer.ImportAsync(reader, HistoryFile.FormatOf(file, format), dryRun, parallel, progress);
            }
            catch (Exception e) when (e is global::Azure.RequestFailedException or AggregateException or HttpRequestException or global::Azure.Identity.AuthenticationFailedException)
            {
                progress.Done();
                Console.Error.WriteLine($"Storage could not be reached or refused the request: {e.Message}");
                Console.Error.WriteLine("Nothing is lost: run the same import again; what was stored is skipped as duplicates.");
                return 1;
            }

            progress.Done();
            Console.WriteLine(summary.Describe());
            foreach (var r in summary.Refused)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  line {r.Line}: {r.Reason}"));
            }

            return summary.Refused.Count > 0 ? 3 : 0;
        }
    }
}

/// <summary>A progress bar on a terminal (redrawn in place), a line every 10 % otherwise.</summary>
internal sealed class ProgressBar(TextWriter output) : IProgress<(int Done, int Total)>
{
    private readonly object _gate = new();
    private readonly bool _terminal = !Console.IsErrorRedirected;
    private int _shown = -1;

    public void Report((int Done, int Total) value)
    {
        var percent = value.Total == 0 ? 100 : value.Done * 100 / value.Total;
        lock (_gate)
        {
            if (_terminal ? percent == _shown : percent / 10 == _shown / 10 && _shown >= 0)
            {
                return;
            }

            _shown = percent;
            var bar = new string('#', percent / 5).PadRight(20, '.');
            var text = string.Create(CultureInfo.InvariantCulture, $"[{bar}] {percent,3}% {value.Done}/{value.Total} lines");
            if (_terminal)
            {
                output.Write("\r" + text);
            }
            else
            {
                output.WriteLine(text);
            }
        }
    }

    public void Done()
    {
        if (_terminal && _shown >= 0)
        {
            output.WriteLine();
        }
    }
}
