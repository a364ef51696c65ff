using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Api;
using ReleaseManagement.Api.Metrics;
using ReleaseManagement.Events;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Metrics.Tests;

/// <summary>
/// scripts/import-history.sh run as a user runs it (docs/import.md): AzureWebJobsStorage set to the test Azurite, the
/// default tables, a CSV in a directory of the test's own. The test's own system and year keep its events, days and
/// rollups apart from every other test's; the metrics are read through the hosts' composition (AddReleaseManagement).
/// The tool runs on the real clock, so the history is in the past: 1987, a year no other test uses (the other tests'
/// years, 2101 and later, are in the future for the tool; their events are not late).
/// </summary>
public sealed partial class EndToEndTests
{
    private const int ScriptYear = 1987;

    private static DateTimeOffset P(int day, int hour = 0, int month = 3) => new(ScriptYear, month, day, hour, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// 20 deployments of <paramref name="system"/>, two a day (10:00, 14:00) on 1 to 10 March, every fourth failed, the
    /// first two of release <paramref name="release"/> merged on 1 March 08:00 (one ChangeMerged event); then a repeat of
    /// the third row and a row with a bad outcome (file line 23).
    /// </summary>
    private static string ScriptCsv(string system, string release)
    {
        var csv = new StringBuilder("system,environment,time,outcome,release,merged-at\n");
        for (var i = 0; i < 20; i++)
        {
            var withRelease = i < 2;
            csv.Append(CultureInfo.InvariantCulture,
                $"{system},prod,{Iso(P(1 + (i / 2), i % 2 == 0 ? 10 : 14))},{(i % 4 == 3 ? "failure" : "success")},{(withRelease ? release : "")},{(withRelease ? Iso(P(1, 8)) : "")}\n");
        }

        csv.Append(CultureInfo.InvariantCulture, $"{system},prod,{Iso(P(2, 10))},success,,\n");
        csv.Append(CultureInfo.InvariantCulture, $"{system},prod,{Iso(P(5, 10))},maybe,,\n");
        return csv.ToString();
    }

    [Fact]
    public async Task ImportHistoryScript_CsvWithDuplicatesRunTwice_StoresEachEventOnce_MetricsCountThem()
    {
        var system = "Imp" + Guid.NewGuid().ToString("N")[..8];
        var release = MetricsHarness.NewId("imp");
        var march = $"?from={ScriptYear}-03-01&to={ScriptYear}-03-31";
        var settings = new Dictionary<string, string> { ["AzureWebJobsStorage"] = Azurite.ConnectionString };
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddReleaseManagement(new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value)).Build())
            .BuildServiceProvider();
        var handlers = services.GetRequiredService<MetricsHandlers>();
        var events = services.GetRequiredService<IPipelineEventStore>();
        var daily = services.GetRequiredService<IMetricsDailyStore>();
        Task<IReadOnlyList<StaleDay>> StaleAsync() => daily.ListStaleAsync(new DateOnly(ScriptYear, 1, 1), new DateOnly(ScriptYear + 1, 1, 1), Ct);
        async Task<IReadOnlyList<StoredPipelineEvent>> StoredAsync() =>
            (await events.ListByPeriodAsync(P(1), P(1, month: 4), Ct)).Where(e => e.Event.System == system).ToList();
        var before = await OverallAsync(handlers, march); // rolls March up (empty, unless a run before on the same Azurite left some)

        var directory = Directory.CreateTempSubdirectory("import-script-");
        try
        {
            var file = Path.Combine(directory.FullName, "deployments.csv");
            await File.WriteAllTextAsync(file, ScriptCsv(system, release), Ct);
            Task<ToolScript.Result> ImportAsync() => ToolScript.RunAsync("import-history.sh", ["deployments.csv"], settings, directory.FullName, Ct);

            var first = await ImportAsync();

            Assert.True(first.ExitCode == 3, first.ToString()); // 3: a line was refused, the others imported
            Assert.Equal(
                [
                    "22 line(s): imported 20 (21 event(s)), 1 duplicate(s), 1 refused; 10 rolled-up day(s) marked for recompute.",
                    "  line 23: 'outcome' 'maybe' is not success, failure or cancelled",
                ],
                first.StandardOutput.TrimEnd().Split('\n'));
            Assert.Contains("100% 20/20 lines", first.StandardError); // the progress of the lines to store (not refused, not repeated in the file)
            var stored = await StoredAsync();
            Assert.Equal(20, stored.Count(e => e.Event.Type == CanonicalEventType.ServiceDeployed));
            var merge = Assert.Single(stored, e => e.Event.Type == CanonicalEventType.ChangeMerged);
            Assert.Equal((release, P(1, 8)), (merge.Event.ReleaseId, merge.Event.OccurredAt));
            Assert.Equal(10, (await StaleAsync()).Count); // 1 to 10 March, rolled up before the import
            var after = await OverallAsync(handlers, march);
            Assert.Equal(
                (before.Deployments + 20, before.DeploymentSuccessRate.Numerator + 15, before.DeploymentSuccessRate.Denominator + 20),
                (after.Deployments, after.DeploymentSuccessRate.Numerator, after.DeploymentSuccessRate.Denominator));
            Assert.Empty(await StaleAsync()); // the read recomputed them

            var second = await ImportAsync();

            Assert.True(second.ExitCode == 3, second.ToString());
            Assert.Equal(
                "22 line(s): imported 0 (0 event(s)), 21 duplicate(s), 1 refused; 10 rolled-up day(s) marked for recompute.",
                second.StandardOutput.Split('\n')[0]);
            Assert.Equal(21, (await StoredAsync()).Count);
            Assert.Equal(10, (await StaleAsync()).Count); // marked again: a re-run of an interrupted import marks what the first stored
            Assert.Equal(after.Deployments, (await OverallAsync(handlers, march)).Deployments);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
