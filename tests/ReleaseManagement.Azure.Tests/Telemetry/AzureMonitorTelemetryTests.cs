using System.IO.Compression;
using System.Text;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Azure.Telemetry;
using ReleaseManagement.Azure.Tests.Notices;
using ReleaseManagement.Telemetry;

namespace ReleaseManagement.Azure.Tests.Telemetry;

/// <summary>
/// What the Functions app exports to Application Insights (<see cref="AzureMonitorTelemetry.AddReleaseTelemetry"/>, as its
/// Program.cs calls it), at the protocol level: Application Insights cannot run here, so a local ingestion endpoint (the
/// connection string's <c>IngestionEndpoint</c>) receives what the Azure Monitor exporter posts to <c>/v2.1/track</c>, and
/// the test reads the envelopes (issue 25 §4; the Functions host itself, which adds the worker's invocation spans, cannot run
/// here either: no Core Tools).
/// </summary>
public sealed class AzureMonitorTelemetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    [Fact]
    public async Task AddReleaseTelemetry_ConnectionStringToAnIngestionEndpoint_PostsTheAppsSpanAndMetricAsTrackEnvelopes()
    {
        await using var ingestion = await WebhookReceiver.StartAsync();
        var key = Guid.NewGuid().ToString();
        var release = "rel-ai-" + Guid.NewGuid().ToString("N")[..8];
        var configuration = Settings((AzureMonitorTelemetry.ConnectionStringSetting, $"InstrumentationKey={key};IngestionEndpoint={ingestion.BaseAddress}"));
        // A started host, as the Functions worker is: the exporter registers its trace and log exporters from a hosted
        // service (its metric exporter at once).
        var builder = Host.CreateEmptyApplicationBuilder(settings: null);
        builder.Services.AddOpenTelemetry().AddReleaseTelemetry(configuration);
        // No local retry store on disk for the test (the exporter's default keeps failed batches under the temp folder).
        builder.Services.PostConfigureAll<AzureMonitorExporterOptions>(o => o.DisableOfflineStorage = true);
        using var host = builder.Build();
        await host.StartAsync(Ct);
        var tracing = host.Services.GetRequiredService<TracerProvider>();
        var metrics = host.Services.GetRequiredService<MeterProvider>();

        using (var activity = ReleaseTelemetry.Source.StartActivity(ReleaseTelemetry.Spans.ReleaseStatusWrite))
        {
            Assert.NotNull(activity); // sampled: the app's source is listened to
            Assert.True(activity.Recorded, "not recorded: " + activity.ActivityTraceFlags);
            activity.SetTag(ReleaseTelemetry.Tags.ReleaseId, release);
        }

        ReleaseTelemetry.DeliveriesAcknowledged.Add(1, new KeyValuePair<string, object?>(ReleaseTelemetry.Tags.Source, release));
        Assert.True(tracing.ForceFlush(30_000));
        Assert.True(metrics.ForceFlush(30_000));
        await host.StopAsync(Ct);

        var items = await Eventually.UntilAsync(
            () => Task.FromResult(ingestion.To("v2.1/track").SelectMany(Lines).ToList()),
            lines => lines.Any(l => l.Contains(release, StringComparison.Ordinal) && l.Contains(ReleaseTelemetry.Spans.ReleaseStatusWrite, StringComparison.Ordinal))
                && lines.Any(l => l.Contains(ReleaseTelemetry.Metrics.DeliveriesAcknowledged, StringComparison.Ordinal) && l.Contains(release, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the span and the metric at the ingestion endpoint", l => string.Join("\n", l));
        var span = items.First(l => l.Contains(release, StringComparison.Ordinal) && l.Contains(ReleaseTelemetry.Spans.ReleaseStatusWrite, StringComparison.Ordinal));
        Assert.Contains($"\"iKey\":\"{key}\"", span, StringComparison.Ordinal);
        Assert.Contains("\"baseType\":\"RemoteDependencyData\"", span, StringComparison.Ordinal); // an internal span: a dependency of kind InProc
        var metric = items.First(l => l.Contains(ReleaseTelemetry.Metrics.DeliveriesAcknowledged, StringComparison.Ordinal) && l.Contains(release, StringComparison.Ordinal));
        Assert.Contains("\"baseType\":\"MetricData\"", metric, StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionsApp_ProgramCs_ExportsThroughAddReleaseTelemetryAfterTheWorkerDefaults()
    {
        // The Functions host cannot run here (no Core Tools): its Program.cs is read, as the host-parity tests do.
        var program = File.ReadAllText(Repo.Path("src", "ReleaseFunctions", "Program.cs"));
        var worker = program.IndexOf(".UseFunctionsWorkerDefaults()", StringComparison.Ordinal);
        var app = program.IndexOf(".AddReleaseTelemetry(builder.Configuration)", StringComparison.Ordinal);
        Assert.True(worker >= 0 && app > worker, "Program.cs must call AddReleaseTelemetry after UseFunctionsWorkerDefaults");
        Assert.DoesNotContain("UseAzureMonitorExporter", program, StringComparison.Ordinal); // one place composes the export
    }

    [Fact]
    public async Task AddReleaseTelemetry_NoConnectionString_RegistersNoExporter()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddOpenTelemetry().AddReleaseTelemetry(Settings());
        await using var provider = services.BuildServiceProvider();

        Assert.NotNull(provider.GetService<TracerProvider>());
        Assert.DoesNotContain(services, d => (d.ImplementationType ?? d.ServiceType).Assembly == typeof(AzureMonitorExporterOptions).Assembly);
        Assert.Null(provider.GetService<IOptionsMonitor<AzureMonitorExporterOptions>>()?.CurrentValue.ConnectionString);
    }

    [Fact]
    public void Credential_AuthenticationString_IsAManagedIdentityOrAClearStartUpError()
    {
        Assert.Null(AzureMonitorTelemetry.Credential(null));
        Assert.IsType<global::Azure.Identity.ManagedIdentityCredential>(AzureMonitorTelemetry.Credential("Authorization=AAD;ClientId=00000000-0000-0000-0000-000000000042"));
        Assert.IsType<global::Azure.Identity.ManagedIdentityCredential>(AzureMonitorTelemetry.Credential("Authorization=AAD"));
        var e = Assert.Throws<InvalidOperationException>(() => AzureMonitorTelemetry.Credential("ClientId=abc"));
        Assert.Contains(AzureMonitorTelemetry.AuthenticationStringSetting, e.Message, StringComparison.Ordinal);
    }

    /// <summary>The envelopes of one post: newline-delimited JSON, gzip-compressed when the post says so.</summary>
    private static IEnumerable<string> Lines(ReceivedPost post)
    {
        var body = post.Headers.TryGetValue("Content-Encoding", out var encoding) && encoding.Contains("gzip", StringComparison.OrdinalIgnoreCase)
            ? Gunzip(post.Body)
            : post.Body;
        return Encoding.UTF8.GetString(body).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static byte[] Gunzip(byte[] body)
    {
        using var input = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
