// Ingestion benchmark against Azurite. Usage: dotnet run -c Release --project bench/Ingestion -- [events=500] [concurrency=8]
// Needs AZURITE_CONNECTION_STRING. Prints the raw baselines, the pipeline figures and the two ratios.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;
using Azure.Core.Diagnostics;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ReleaseManagement.Api.Webhooks;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Events;
using ReleaseManagement.Ports;

var connectionString = Environment.GetEnvironmentVariable("AZURITE_CONNECTION_STRING")
    ?? throw new InvalidOperationException("Set AZURITE_CONNECTION_STRING (source scripts/lib/azurite.sh; azurite_start DIR).");
// group=N (after the positional arguments): the most rows of one partition the event store writes in one transaction
// (default 100; 1 writes each row alone, as before issue 16).
var group = args.Where(a => a.StartsWith("group=", StringComparison.Ordinal)).Select(a => int.Parse(a[6..], CultureInfo.InvariantCulture))
    .DefaultIfEmpty(PartitionGroupCommit.MaxBatch).Last();
args = args.Where(a => !a.Contains('=', StringComparison.Ordinal)).ToArray();
var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
// The queue loop's batch size and new-batch threshold (defaults: host.json's 32 and 16).
var pumpOptions = new QueuePumpOptions();
pumpOptions.BatchSize = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : pumpOptions.BatchSize;
pumpOptions.NewBatchThreshold = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : pumpOptions.NewBatchThreshold;
var unavailable = 0;
const string Secret = "bench-webhook-secret-0123456789";
var names = EventStorageNames.Unique("bench");
var raw = EventStorageClients.FromConnectionString(connectionString, names);

// INGESTION_COUNT_CALLS=1: count the storage calls of each phase by kind (from the Azure SDK's request events; the
// listener costs CPU itself, so take the timings from a run without it).
var calls = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
var callSeconds = new ConcurrentDictionary<string, double>(StringComparer.Ordinal);
var callKinds = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
using var callListener = Environment.GetEnvironmentVariable("INGESTION_COUNT_CALLS") == "1"
    ? new AzureEventSourceListener((e, _) => CountCall(e), EventLevel.Informational)
    : null;

Console.WriteLine($"events={events} concurrency={concurrency} batch={pumpOptions.BatchSize} threshold={pumpOptions.NewBatchThreshold} group={group} runtime={Environment.Version} cores={Environment.ProcessorCount}");

// Baseline 1: raw single-entity inserts into Azurite.
var rawTable = raw.Tables.GetTableClient(names.Table + "raw");
await rawTable.CreateIfNotExistsAsync();
var rawInsert = await RunAsync(events, concurrency, i => rawTable.AddEntityAsync(new TableEntity("p", i.ToString("D8", CultureInfo.InvariantCulture)) { ["Value"] = "x" }));
Console.WriteLine($"raw table insert:     {Rate(rawInsert)} /s   p95 {P95(rawInsert.Latencies)} ms");

// Baseline 2: raw queue sends.
var rawQueue = raw.Queues.GetQueueClient(names.Queue + "-raw");
await rawQueue.CreateIfNotExistsAsync();
var rawSend = await RunAsync(events, concurrency, _ => rawQueue.SendMessageAsync("{\"source\":\"github\",\"deliveryId\":\"x\",\"eventType\":\"workflow_run\"}"));
Console.WriteLine($"raw queue send:       {Rate(rawSend)} /s   p95 {P95(rawSend.Latencies)} ms");

// Baseline 3: raw queue deletes of the N messages just sent (received 32 at a time), the one storage call the processor
// makes for every message whatever it does (a queue trigger deletes each message it handled).
var received = new ConcurrentQueue<Azure.Storage.Queues.Models.QueueMessage>();
for (var batch = (await rawQueue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value; batch.Length > 0; batch = (await rawQueue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value)
{
    foreach (var m in batch)
    {
        received.Enqueue(m);
    }
}

var toDelete = received.ToArray();
var rawDelete = await RunAsync(toDelete.Length, concurrency, i => rawQueue.DeleteMessageAsync(toDelete[i].MessageId, toDelete[i].PopReceipt));
Console.WriteLine($"raw queue delete:     {Rate(rawDelete)} /s   p95 {P95(rawDelete.Latencies)} ms   (of a queue holding {toDelete.Length} messages)");

// The pipeline: webhook handler (verify, store raw, enqueue, 202) and, concurrently, the queue pump + processor
// (normalize, instance lookup, conditional insert, index row).
var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["AzureWebJobsStorage"] = connectionString,
    ["PipelineEvents:Table"] = names.Table,
    ["PipelineEvents:Queue"] = names.Queue,
    ["PipelineEvents:Container"] = names.Container,
    ["Webhooks:GitHub:Secrets:0"] = Secret,
}).Build();
// The processor marks late events' metric days stale (none here: the events are of today).
await using var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning)).AddSingleton(TimeProvider.System)
    .AddSingleton<IPipelineEventStore>(sp => new TablePipelineEventStore(sp.GetRequiredService<EventStorageClients>().Tables.GetTableClient(names.Table), group))
    .AddPipelineEvents(configuration)
    .AddSingleton(ReleaseManagement.Policy.ReleasePolicyDefaults.Create())
    .AddSingleton<IMetricsDailyStore>(sp => new ReleaseManagement.Azure.Metrics.TableMetricsDailyStore(sp.GetRequiredService<EventStorageClients>().Tables.GetTableClient(names.Table + "Daily")))
    .AddSingleton<ReleaseManagement.Metrics.LateEventMarker>()
    .BuildServiceProvider();
// The in-process Durable engine's gRPC sidecar logs every request at Information (ASP.NET Core hosting, routing, gRPC),
// which buries the figures; its web host reads ASPNETCORE_-prefixed settings, so raise its level to Warning there.
Environment.SetEnvironmentVariable("ASPNETCORE_Logging__LogLevel__Default", "Warning");
await using var durable = await DurableTaskTestHost.StartAsync(_ => { }, new DurableTaskTestHostOptions { LoggerFactory = NullLoggerFactory.Instance });
var handlers = services.GetRequiredService<WebhookHandlers>();
var processor = services.GetRequiredService<PipelineEventProcessor>();
var store = services.GetRequiredService<IPipelineEventStore>();
var template = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "workflow_run.json"));

// Warm-up: create the container, queue and table outside the measurement.
await PostAsync(-1);
var pump = new QueuePump(raw.Queue, raw.PoisonQueue, pumpOptions, NullLogger.Instance);
while (await pump.RunOnceAsync((m, ct) => processor.ProcessAsync(m, durable.Client, ct), CancellationToken.None) > 0)
{
}

// Where the CPU goes, per event, on one thread with storage out of the way: the acknowledgement's verification and
// normalization, and the processor's message parse and normalization; then the processor's Durable instance lookup alone
// (a gRPC call into the in-process engine; the bench's events name a release that is not running).
{
    var normalizer = services.GetRequiredService<PipelineEventNormalizer>();
    var body = Encoding.UTF8.GetBytes(template);
    var signature = GitHubSignature.Sign(body, Secret);
    var message = PipelineEventMessage.Inline(new RawDelivery(EventSources.GitHub, Guid.NewGuid().ToString(), "workflow_run", DateTimeOffset.UtcNow, body))!.ToJson();
    const int Rounds = 2000;
    var cpu = Stopwatch.StartNew();
    for (var i = 0; i < Rounds; i++)
    {
        _ = GitHubSignature.Verify(body, signature, [Secret]);
        _ = normalizer.Normalize(new InboundDelivery(EventSources.GitHub, body, DateTimeOffset.UtcNow, "workflow_run", "d"));
        _ = PipelineEventMessage.Inline(new RawDelivery(EventSources.GitHub, "d", "workflow_run", DateTimeOffset.UtcNow, body))!.ToJson();
    }

    var ackCpu = cpu.Elapsed.TotalMicroseconds / Rounds;
    cpu.Restart();
    for (var i = 0; i < Rounds; i++)
    {
        _ = normalizer.Normalize(PipelineEventMessage.Parse(message).ToDelivery().ToInbound());
    }

    Console.WriteLine($"CPU per event: ack verify + normalize + message {ackCpu:F0} us; processor parse + normalize {cpu.Elapsed.TotalMicroseconds / Rounds:F0} us");
    var lookups = await RunAsync(events, concurrency, _ => durable.Client.GetInstanceAsync("bench-release"));
    Console.WriteLine($"instance lookup:      {Rate(lookups)} /s   p95 {P95(lookups.Latencies)} ms");
}

// Acknowledgement alone (nothing else running), then the backlog drained by the processor alone, through the queue loop
// the local host runs (QueuePump.RunAsync: batches of `batch`, the next one taken at `threshold` in hand).
calls.Clear();
callSeconds.Clear();
var ackOnly = await RunAsync(events, concurrency, i => PostAsync(100_000 + i));
ReportCalls("webhook ack alone", events);
var drain = Stopwatch.StartNew();
await PumpUntilAsync(events, () => Task.CompletedTask);
drain.Stop();
ReportCalls("processor alone", events);
Console.WriteLine($"webhook ack alone:    {Rate(ackOnly)} /s   p95 {P95(ackOnly.Latencies)} ms");
Console.WriteLine($"processor alone:      {events / drain.Elapsed.TotalSeconds:F0} /s");

// Both at once: deliveries arriving while the processor drains the queue, as in production.
var total = Stopwatch.StartNew();
Measurement acks = null!;
await PumpUntilAsync(events, async () => acks = await RunAsync(events, concurrency, PostAsync));
total.Stop();
ReportCalls("ingestion end-to-end", events);
var stored = await store.ListByReleaseAsync("bench-release");
if (stored.Count != 2 * events + 1)
{
    throw new InvalidOperationException($"Expected {2 * events + 1} stored events, found {stored.Count}.");
}

var ingestRate = events / total.Elapsed.TotalSeconds;
Console.WriteLine($"webhook ack (loaded): {Rate(acks)} /s   p95 {P95(acks.Latencies)} ms");
Console.WriteLine($"ingestion end-to-end: {ingestRate:F0} /s   ({events} events stored in {total.Elapsed.TotalSeconds:F2} s)");
Console.WriteLine($"503 answers (storage past its deadline; the delivery was sent again): {unavailable}");
Console.WriteLine($"RATIO ingestion throughput / raw insert throughput = {ingestRate / (events / rawInsert.Elapsed.TotalSeconds):F2}");
Console.WriteLine($"(processor alone / raw queue delete throughput = {events / drain.Elapsed.TotalSeconds / (toDelete.Length / rawDelete.Elapsed.TotalSeconds):F2})");
Console.WriteLine($"RATIO p95 ack alone / p95 raw queue send = {P95(ackOnly.Latencies) / P95(rawSend.Latencies):F2}");
Console.WriteLine($"RATIO p95 ack while processing / p95 raw queue send = {P95(acks.Latencies) / P95(rawSend.Latencies):F2}");

await raw.Queue.DeleteIfExistsAsync();
await rawQueue.DeleteIfExistsAsync();
await raw.Blobs.GetBlobContainerClient(names.Container).DeleteIfExistsAsync();
await raw.Tables.DeleteTableAsync(names.Table);
await raw.Tables.DeleteTableAsync(names.Table + "raw");
return;

// Runs the queue loop until `count` new events were stored, with `during` running alongside.
async Task PumpUntilAsync(int count, Func<Task> during)
{
    var handled = 0;
    using var stop = new CancellationTokenSource();
    var loop = pump.RunAsync(async (m, ct) =>
    {
        // Only new events count (a delivery sent again after a 503 may leave a duplicate message).
        if (await processor.ProcessAsync(m, durable.Client, CancellationToken.None) == ProcessOutcome.Processed
            && Interlocked.Increment(ref handled) >= count)
        {
            stop.Cancel();
        }
    }, stop.Token);
    await during();
    // A message that keeps failing (storage past its timeouts on an overloaded machine) is retried after 30 s and may end
    // in the poison queue: give up after 10 minutes with a clear message rather than wait for ever.
    try
    {
        await loop.WaitAsync(TimeSpan.FromMinutes(10));
    }
    catch (TimeoutException)
    {
        throw new InvalidOperationException($"Only {handled} of {count} events were stored within 10 minutes: the machine or Azurite is overloaded.");
    }

    if (handled < count)
    {
        throw new InvalidOperationException($"The queue loop stopped after {handled} of {count} messages.");
    }
}

// One delivery through the handler; a 503 (storage past the handler's deadline on an overloaded machine) is counted and
// the delivery sent again, as GitHub would: its latency includes every attempt.
async Task PostAsync(int i)
{
    var body = Encoding.UTF8.GetBytes(template.Replace("\"id\": 30433642", $"\"id\": {1_000_000 + i}"));
    var deliveryId = Guid.NewGuid().ToString();
    while (true)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = "POST";
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        context.Request.Headers[GitHubSignature.Header] = GitHubSignature.Sign(body, Secret);
        context.Request.Headers[GitHubSignature.EventHeader] = "workflow_run";
        context.Request.Headers[GitHubSignature.DeliveryHeader] = deliveryId;
        context.Response.Body = Stream.Null;
        var result = await handlers.GitHubAsync(context.Request, CancellationToken.None);
        await result.ExecuteAsync(context);
        if (context.Response.StatusCode == StatusCodes.Status503ServiceUnavailable)
        {
            Interlocked.Increment(ref unavailable);
            continue;
        }

        if (context.Response.StatusCode is not (StatusCodes.Status202Accepted or StatusCodes.Status200OK))
        {
            throw new InvalidOperationException($"Delivery {i} was answered {context.Response.StatusCode}.");
        }

        return;
    }
}

void CountCall(EventWrittenEventArgs e)
{
    if (e.PayloadNames is null)
    {
        return;
    }

    if (e.EventName is "Response" or "ErrorResponse" && e.PayloadNames.IndexOf("seconds") is var at and >= 0
        && callKinds.TryRemove(e.Payload![e.PayloadNames.IndexOf("requestId")]?.ToString() ?? "", out var done))
    {
        callSeconds.AddOrUpdate(done, Convert.ToDouble(e.Payload[at], CultureInfo.InvariantCulture), (_, t) => t + Convert.ToDouble(e.Payload[at], CultureInfo.InvariantCulture));
        return;
    }

    if (e.EventName != "Request")
    {
        return;
    }

    var method = e.Payload![e.PayloadNames.IndexOf("method")]?.ToString();
    var uri = new Uri(e.Payload[e.PayloadNames.IndexOf("uri")]!.ToString()!);
    var path = uri.AbsolutePath;
    var kind = path.Contains("/messages", StringComparison.Ordinal) ? (path.Contains("/messages/", StringComparison.Ordinal) ? "queue message" : "queue messages")
        : path.Contains("$batch", StringComparison.Ordinal) ? "table batch"
        : path.Contains(names.Container, StringComparison.Ordinal) ? "blob" + (uri.Query.Contains("comp=metadata", StringComparison.Ordinal) ? " metadata" : "")
        : path.Contains('(') ? "table entity" : path.Contains("Tables", StringComparison.Ordinal) ? "table" : path;
    calls.AddOrUpdate($"{method} {kind}", 1, (_, n) => n + 1);
    callKinds[e.Payload[e.PayloadNames.IndexOf("requestId")]?.ToString() ?? ""] = $"{method} {kind}";
}

void ReportCalls(string phase, int count)
{
    if (callListener is null)
    {
        return;
    }

    var total = calls.Values.Sum();
    Console.WriteLine($"  storage calls per event, {phase}: {(double)total / count:F2} = " +
        string.Join(", ", calls.OrderByDescending(c => c.Value).Select(c =>
            $"{c.Key} {(double)c.Value / count:F2} (mean {1000 * callSeconds.GetValueOrDefault(c.Key) / c.Value:F1} ms)")));
    calls.Clear();
    callSeconds.Clear();
}

static async Task<Measurement> RunAsync(int count, int concurrency, Func<int, Task> operation)
{
    var latencies = new double[count];
    var next = -1;
    var watch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            var started = Stopwatch.GetTimestamp();
            await operation(i);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
    }));
    return new Measurement(watch.Elapsed, latencies);
}

static string Rate(Measurement m) => (m.Latencies.Length / m.Elapsed.TotalSeconds).ToString("F0", CultureInfo.InvariantCulture);

static double P95(double[] latencies)
{
    var sorted = latencies.Order().ToArray();
    return Math.Round(sorted[(int)Math.Ceiling(sorted.Length * 0.95) - 1], 2);
}

internal sealed record Measurement(TimeSpan Elapsed, double[] Latencies);
