using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using ReleaseFunctions.LocalHost;
using ReleaseFunctions.Tests.Support;
using ReleaseManagement.Telemetry;

namespace ReleaseFunctions.Tests;

/// <summary>
/// The local host's OpenTelemetry as its composition builds it (not started): the app's source and meter reach its
/// providers (read here with the in-memory exporter, flushed rather than waited for), and its exporter settings are
/// validated at start-up.
/// </summary>
public sealed class LocalTelemetryTests
{
    [Fact]
    public async Task LocalHostComposition_InMemoryExporter_ExportsTheAppsSpansAndMetricsOnFlush()
    {
        // The app's source and meter are static: other tests of this process (three classes run at a time) may export to this
        // provider while the test reads what it got, so the exporters write to collections that take a lock.
        var spans = new LockedCollection<Activity>();
        var metrics = new LockedCollection<Metric>();
        // With the console exporter asked for (without an exporter the local host registers no OpenTelemetry at all).
        await using var local = LocalHostComposition.Build(
            new Dictionary<string, string?> { ["OpenTelemetry:Console"] = "true" }, Environments.Development, configureServices: s => s
            .ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans))
            .ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics)));
        var tracer = local.App.Services.GetRequiredService<TracerProvider>();
        var meter = local.App.Services.GetRequiredService<MeterProvider>();
        var mark = "test-" + Guid.NewGuid().ToString("N");

        using (var span = ReleaseTelemetry.Source.StartActivity(ReleaseTelemetry.Spans.WebhookReceive))
        {
            span?.SetTag(ReleaseTelemetry.Tags.Source, mark);
            ReleaseTelemetry.DeliveriesAcknowledged.Add(1, new KeyValuePair<string, object?>(ReleaseTelemetry.Tags.Source, mark));
        }

        Assert.True(tracer.ForceFlush(10_000));
        Assert.True(meter.ForceFlush(10_000));
        var exported = Assert.Single(spans.Snapshot(), s => Equals(s.GetTagItem(ReleaseTelemetry.Tags.Source), mark));
        Assert.Equal(ReleaseTelemetry.Spans.WebhookReceive, exported.OperationName);
        Assert.Contains(LocalTelemetry.ServiceName, tracer.GetResource().Attributes.Select(a => a.Value?.ToString()));
        Assert.Equal(1, AcknowledgedWithSource(metrics.Snapshot(), mark));
    }

    [Fact]
    public async Task LocalHostComposition_NoExporterAsked_RegistersNoOpenTelemetry()
    {
        await using var local = LocalHostComposition.Build(environment: Environments.Development);

        local.App.Services.GetRequiredService<IStartupValidator>().Validate();
        Assert.Null(local.App.Services.GetService<TracerProvider>());
        Assert.Null(local.App.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task LocalHostComposition_OtlpEndpointNotAUrl_FailsTheStartUpNamingTheSetting()
    {
        await using var local = LocalHostComposition.Build(
            new Dictionary<string, string?> { [LocalTelemetryOptions.OtlpEndpointSetting] = "localhost-4317" }, Environments.Development);

        var error = Assert.Throws<OptionsValidationException>(() => local.App.Services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(LocalTelemetryOptions.OtlpEndpointSetting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocalHostComposition_ConsoleAndOtlpSettings_AreReadAndValid()
    {
        await using var local = LocalHostComposition.Build(
            new Dictionary<string, string?> { ["OpenTelemetry:Console"] = "true", [LocalTelemetryOptions.OtlpEndpointSetting] = "http://127.0.0.1:4317" },
            Environments.Development);

        local.App.Services.GetRequiredService<IStartupValidator>().Validate();
        var options = local.App.Services.GetRequiredService<IOptions<LocalTelemetryOptions>>().Value;
        Assert.Equal((true, "http://127.0.0.1:4317"), (options.Console, options.OtlpEndpoint));
        Assert.NotNull(local.App.Services.GetService<TracerProvider>());
    }

    /// <summary>The sum of the acknowledged-deliveries points tagged with <paramref name="source"/>.</summary>
    private static long AcknowledgedWithSource(IEnumerable<Metric> metrics, string source)
    {
        long sum = 0;
        foreach (var metric in metrics.Where(m => m.Name == ReleaseTelemetry.Metrics.DeliveriesAcknowledged))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                foreach (var tag in point.Tags)
                {
                    if (tag.Key == ReleaseTelemetry.Tags.Source && Equals(tag.Value, source))
                    {
                        sum += point.GetSumLong();
                    }
                }
            }
        }

        return sum;
    }

    /// <summary>A collection the in-memory exporters may add to from any thread while the test takes a copy.</summary>
    private sealed class LockedCollection<T> : ICollection<T>
    {
        private readonly List<T> _items = [];

        public int Count
        {
            get
            {
                lock (_items)
                {
                    return _items.Count;
                }
            }
        }

        public bool IsReadOnly => false;

        public T[] Snapshot()
        {
            lock (_items)
            {
                return [.. _items];
            }
        }

        public void Add(T item)
        {
            lock (_items)
            {
                _items.Add(item);
            }
        }

        public void Clear()
        {
            lock (_items)
            {
                _items.Clear();
            }
        }

        public bool Contains(T item)
        {
            lock (_items)
            {
                return _items.Contains(item);
            }
        }

        public void CopyTo(T[] array, int arrayIndex)
        {
            lock (_items)
            {
                _items.CopyTo(array, arrayIndex);
            }
        }

        public bool Remove(T item)
        {
            lock (_items)
            {
                return _items.Remove(item);
            }
        }

        public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)Snapshot()).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
