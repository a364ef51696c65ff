using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Api.Metrics;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Events;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;
using ReleaseManagement.Tools.ImportHistory;

namespace ReleaseManagement.Metrics.Tests;

/// <summary>The history import (tools/ImportHistory) on Azurite, into the harness's tables, with generated files.</summary>
public sealed partial class EndToEndTests
{
    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// 1600 deployments every 20 minutes from 1 March 00:00 (to the 23rd), alternately Billing and Forecasting, every fifth
    /// failed, 400 per release with the release's merge 10 h before its first (one merge event per release and system: 8); then a bad time, a bad outcome, a merge
    /// without a release, and a repeat of the first row.
    /// </summary>
    private string DeploymentsCsv(string[] releases)
    {
        var csv = new StringBuilder("system,environment,time,outcome,release,merged-at\n");
        for (var i = 0; i < 1600; i++)
        {
            var at = M(1).AddMinutes(20 * i);
            var release = releases[i / 400];
            var merged = M(1).AddMinutes(20 * (i / 400 * 400)).AddHours(-10);
            csv.Append(CultureInfo.InvariantCulture, $"{(i % 2 == 0 ? "Billing" : "Forecasting")},prod,{Iso(at)},{(i % 5 == 0 ? "failure" : "success")},{release},{Iso(merged)}\n");
        }

        csv.Append(CultureInfo.InvariantCulture, $"Billing,prod,{Year}-13-45T00:00:00Z,success,,\n");
        csv.Append(CultureInfo.InvariantCulture, $"Billing,prod,{Iso(M(5))},maybe,,\n");
        csv.Append(CultureInfo.InvariantCulture, $"Billing,prod,{Iso(M(5))},success,,{Iso(M(4))}\n");
        csv.Append(CultureInfo.InvariantCulture, $"Billing,prod,{Iso(M(1))},failure,{releases[0]},{Iso(M(1).AddHours(-10))}\n");
        return csv.ToString();
    }

    /// <summary>400 canonical test runs (staging, every 80 minutes) and 400 CDEvents production deployments of Payments (hourly), then two bad lines.</summary>
    private string EventsJsonLines()
    {
        var lines = new StringBuilder();
        for (var i = 0; i < 400; i++)
        {
            lines.Append(new JsonObject
            {
                ["type"] = "TestSuiteRunFinished",
                ["occurredAt"] = Iso(M(1).AddMinutes(80 * i)),
                ["system"] = "Billing",
                ["environment"] = "stage",
                ["outcome"] = "passed",
                ["attributes"] = new JsonObject { ["coverage"] = "80", ["failed"] = "0" },
            }.ToJsonString()).Append('\n');
            var id = $"hist-{Year}-{i}";
            const string type = "dev.cdevents.service.deployed.0.2.0";
            lines.Append(new JsonObject
            {
                ["specversion"] = "1.0",
                ["id"] = id,
                ["source"] = "/ci",
                ["type"] = type,
                ["data"] = new JsonObject
                {
                    ["context"] = new JsonObject { ["id"] = id, ["source"] = "/ci", ["type"] = type, ["timestamp"] = Iso(M(1).AddHours(i)) },
                    ["subject"] = new JsonObject { ["id"] = "payments", ["content"] = new JsonObject { ["environment"] = new JsonObject { ["id"] = "production" } } },
                    ["customData"] = new JsonObject { ["system"] = "Payments" },
                },
            }.ToJsonString()).Append('\n');
        }

        lines.Append("{not json\n");
        lines.Append("{\"specversion\":\"1.0\",\"id\":\"x1\",\"source\":\"/ci\",\"type\":\"dev.cdevents.taskrun.started.0.2.0\",\"data\":{\"context\":{\"id\":\"x1\",\"type\":\"dev.cdevents.taskrun.started.0.2.0\",\"timestamp\":\"2026-01-01T00:00:00Z\"},\"subject\":{\"id\":\"t\"}}}\n");
        return lines.ToString();
    }

    [Fact]
    public async Task ImportHistory_GeneratedFilesOfThousandsOfLines_CountedOnce_RefusedLinesNamed_RolledUpDaysRecomputed()
    {
        await using var h = new MetricsHarness(M(2, 12, month: 4));
        var handlers = new MetricsHandlers(h.Service_);
        var march = $"?from={Year}-03-01&to={Year}-03-31";
        Assert.Equal(0, (await OverallAsync(handlers, march)).Deployments); // March is rolled up, empty
        var releases = Enumerable.Range(0, 4).Select(i => MetricsHarness.NewId($"h{i}")).ToArray();
        foreach (var release in releases)
        {
            await h.ReleaseAsync(release, ReleaseType.Minor, "Billing", M(20, month: 2));
        }

        var names = EventStorageNames.Unique("i");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["PipelineEvents:Table"] = h.EventsTable,
            ["PipelineEvents:Queue"] = names.Queue,
            ["PipelineEvents:Container"] = names.Container,
        }).Build();
        await using var services = new ServiceCollection().AddLogging()
            .AddSingleton<TimeProvider>(h.Clock).AddSingleton(h.Policy).AddSingleton<IMetricsDailyStore>(h.Daily)
            .AddSingleton<ReleaseManagement.Ports.IAuditTrail>(new ReleaseFunctions.TestSupport.InMemoryAuditTrail())
            .AddHistoryImport(configuration)
            .BuildServiceProvider();
        var importer = services.GetRequiredService<HistoryImporter>();
        var csv = DeploymentsCsv(releases);
        var jsonl = EventsJsonLines();
        Task<ImportSummary> ImportAsync(string text, HistoryFormat format, bool dryRun = false) =>
            importer.ImportAsync(new StringReader(text), format, dryRun, parallelism: 16, cancellationToken: Ct);

        var dry = await ImportAsync(csv, HistoryFormat.Csv, dryRun: true);
        Assert.Equal((1604, 1600, 1, 1608), (dry.Lines, dry.Imported, dry.Duplicates, dry.EventsStored));
        Assert.Empty(await h.Events.ListByPeriodAsync(M(1), M(1, month: 4), Ct)); // nothing written

        var deployments = await ImportAsync(csv, HistoryFormat.Csv);
        var events = await ImportAsync(jsonl, HistoryFormat.JsonLines);

        Assert.Equal((1604, 1600, 1, 1608, 23), (deployments.Lines, deployments.Imported, deployments.Duplicates, deployments.EventsStored, deployments.DaysMarkedStale));
        Assert.Equal(
            [
                new RefusedLine(1602, $"'time' '{Year}-13-45T00:00:00Z' is not an ISO 8601 time (e.g. 2026-01-05T10:00:00Z)"),
                new RefusedLine(1603, "'outcome' 'maybe' is not success, failure or cancelled"),
                new RefusedLine(1604, "'merged-at' needs a 'release' (lead time is measured per release)"),
            ],
            deployments.Refused);
        Assert.Equal((802, 800, 0, 800), (events.Lines, events.Imported, events.Duplicates, events.EventsStored));
        Assert.Equal([801, 802], events.Refused.Select(r => r.Line));
        Assert.StartsWith("not JSON", events.Refused[0].Reason);
        Assert.StartsWith("ignored", events.Refused[1].Reason);
        Assert.Equal(23, (await StaleAsync(h)).Count); // 1 to 23 March were rolled up before the import

        var after = await OverallAsync(handlers, march);
        Assert.Equal(2000, after.Deployments);
        Assert.Equal(new RateValue(84m, 1680, 2000), after.DeploymentSuccessRate); // 1280 + 400 of 2000
        Assert.Equal(1280, after.ChangeLeadTimeFromMerge.Count); // the successful deployments with a release
        Assert.Empty(await StaleAsync(h));

        var again = await ImportAsync(csv, HistoryFormat.Csv);
        var againEvents = await ImportAsync(jsonl, HistoryFormat.JsonLines);
        Assert.Equal((0, 1601, 0), (again.Imported, again.Duplicates, again.EventsStored));
        Assert.Equal((0, 800, 0), (againEvents.Imported, againEvents.Duplicates, againEvents.EventsStored));
        Assert.Equal(2000, (await OverallAsync(handlers, march)).Deployments);
        Assert.Equal(2408, (await h.Events.ListByPeriodAsync(M(1, month: 2), M(1, month: 4), Ct)).Count); // 1600 deployments, 8 merges (a release and system each), 400 test runs, 400 CDEvents
    }
}
