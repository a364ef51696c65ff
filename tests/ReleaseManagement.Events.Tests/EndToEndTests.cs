using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Events;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Events.Tests;

/// <summary>
/// The local host as a process against Azurite: a release is started through the API, then a signed CDEvents webhook for
/// it goes in through the endpoint, the queue and the local queue loop, and comes out stored and raised to the release's
/// running orchestration.
/// </summary>
public sealed class EndToEndTests
{
    [Fact]
    public async Task LocalHost_SignedCDEventForRunningRelease_IsStoredAndRaisedToTheRelease()
    {
        var connectionString = Azurite.ConnectionString;
        var ct = TestContext.Current.CancellationToken;
        var names = EventStorageNames.Unique("e2e");
        await using var host = await LocalHostProcess.StartAsync(connectionString, names, ct);
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var releaseId = "e2e-" + Guid.NewGuid().ToString("N")[..10];

        var created = await http.PostAsJsonAsync("/api/releases", new
        {
            id = releaseId,
            title = "End-to-end pipeline events",
            type = "Minor",
            systems = new[] { "billing" },
            targetDate = ReleaseFunctions.TestSupport.ValidRelease.TargetDate(),
            requestedBy = "release.manager@example.com",
            approvers = ReleaseFunctions.TestSupport.ValidRelease.Approvers,
        }, ct);
        Assert.True(created.StatusCode == HttpStatusCode.Accepted, $"{created.StatusCode}: {await created.Content.ReadAsStringAsync(ct)}\n{host.Output}");
        await Azurite.EventuallyAsync(async () =>
        {
            var view = await http.GetFromJsonAsync<JsonElement>($"/api/releases/{releaseId}", ct);
            return view.TryGetProperty("runtimeStatus", out var s) && s.GetString() == "Running" ? "running" : null;
        }, TimeSpan.FromSeconds(60), "the release orchestration to run");

        var eventId = Guid.NewGuid().ToString();
        var body = Encoding.UTF8.GetBytes(Fixture.Text("cdevents/pipelinerun-finished.json")
            .Replace("271069a8-fc18-44f1-b38f-9d70a1695819", eventId)
            .Replace("\"releaseId\": \"2025.07\"", $"\"releaseId\": \"{releaseId}\""));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/cdevents") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/cloudevents+json");
        foreach (var (name, value) in Sign.CDEvents(body, DateTimeOffset.UtcNow))
        {
            request.Headers.Add(name, value);
        }

        var accepted = await http.SendAsync(request, ct);

        Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, $"{accepted.StatusCode}: {await accepted.Content.ReadAsStringAsync(ct)}\n{host.Output}");
        var store = new TablePipelineEventStore(EventStorageClients.FromConnectionString(connectionString, names).Tables.GetTableClient(names.Table));
        var stored = await Azurite.EventuallyAsync(
            async () => (await store.ListByReleaseAsync(releaseId, ct)).FirstOrDefault(e => e.Delivery is not null),
            TimeSpan.FromSeconds(60),
            "the event to be stored and processed");
        Assert.Equal("cdevents:" + eventId, stored.Event.EventId);
        Assert.Equal(CanonicalEventType.PipelineRunFinished, stored.Event.Type);
        Assert.Equal(EventDelivery.Raised, stored.Delivery);
        var release = await http.GetFromJsonAsync<JsonElement>($"/api/releases/{releaseId}", ct);
        Assert.NotEqual("Failed", release.GetProperty("runtimeStatus").GetString());
    }

    [Fact]
    public async Task LocalHost_SignedMilestoneCDEvents_MoveTheWaitingReleaseFromMilestonesToItsDevelopmentGate()
    {
        var connectionString = Azurite.ConnectionString;
        var ct = TestContext.Current.CancellationToken;
        var names = EventStorageNames.Unique("e2m");
        await using var host = await LocalHostProcess.StartAsync(connectionString, names, ct);
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var releaseId = "e2m-" + Guid.NewGuid().ToString("N")[..10];
        var created = await http.PostAsJsonAsync("/api/releases", new
        {
            id = releaseId,
            title = "Milestones by webhook",
            type = "Minor",
            systems = new[] { "billing" },
            targetDate = ReleaseFunctions.TestSupport.ValidRelease.TargetDate(),
            approvers = ReleaseFunctions.TestSupport.ValidRelease.Approvers,
        }, ct);
        Assert.True(created.StatusCode == HttpStatusCode.Accepted, $"{created.StatusCode}: {await created.Content.ReadAsStringAsync(ct)}");
        foreach (var approver in new[] { "po@example.com", "lead@example.com" })
        {
            var decided = await http.PostAsJsonAsync($"/api/releases/{releaseId}/decisions", new { stage = "plan", decision = "approve", approver }, ct);
            Assert.True(decided.StatusCode == HttpStatusCode.Accepted, $"{decided.StatusCode}: {await decided.Content.ReadAsStringAsync(ct)}");
        }

        await Azurite.EventuallyAsync(async () =>
        {
            var view = await http.GetFromJsonAsync<JsonElement>($"/api/releases/{releaseId}", ct);
            return view.GetProperty("phase").GetString() == "Development" ? "developing" : null;
        }, TimeSpan.FromSeconds(60), "the release to wait for its milestones");

        foreach (var milestone in new[] { "feature-complete", "code-freeze", "testing-ready", "release-candidate" })
        {
            var id = Guid.NewGuid().ToString();
            var body = Encoding.UTF8.GetBytes($$"""
                {
                  "specversion": "1.0", "id": "{{id}}", "source": "/ci/acme", "type": "dev.cdeventsx.releasefunctions-milestone.reached.0.1.0",
                  "time": "{{DateTimeOffset.UtcNow:O}}", "datacontenttype": "application/json",
                  "data": {
                    "context": { "specversion": "0.4.1", "id": "{{id}}", "source": "/ci/acme", "type": "dev.cdeventsx.releasefunctions-milestone.reached.0.1.0", "timestamp": "{{DateTimeOffset.UtcNow:O}}" },
                    "subject": { "id": "{{releaseId}}", "source": "/ci/acme", "type": "releasefunctions-milestone", "content": { "milestone": "{{milestone}}" } },
                    "customData": { "releaseId": "{{releaseId}}", "system": "billing" }
                  }
                }
                """);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/cdevents") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/cloudevents+json");
            foreach (var (name, value) in Sign.CDEvents(body, DateTimeOffset.UtcNow))
            {
                request.Headers.Add(name, value);
            }

            var accepted = await http.SendAsync(request, ct);
            Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, $"{accepted.StatusCode}: {await accepted.Content.ReadAsStringAsync(ct)}");
        }

        var atGate = await Azurite.EventuallyAsync(async () =>
        {
            var view = await http.GetFromJsonAsync<JsonElement>($"/api/releases/{releaseId}", ct);
            return view.TryGetProperty("stage", out var stage) && stage.GetString() == "gate:development" ? view.GetRawText() : null;
        }, TimeSpan.FromSeconds(90), "the release to reach its development gate");
        var timeline = JsonDocument.Parse(atGate).RootElement.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("message").GetString()).ToList();
        Assert.Contains("Milestone release-candidate reached.", timeline);
    }
}

/// <summary>Runs the built local host (<c>dotnet ReleaseFunctions.LocalHost.dll</c>) with its own task hub and storage names.</summary>
internal sealed class LocalHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private LocalHostProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<LocalHostProcess> StartAsync(string connectionString, EventStorageNames names, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet", [LocalHostDll(), "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["AzureWebJobsStorage"] = connectionString;
        info.Environment["TaskHubName"] = "e2e" + Guid.NewGuid().ToString("N")[..16];
        info.Environment["PipelineEvents__Table"] = names.Table;
        info.Environment["PipelineEvents__Queue"] = names.Queue;
        info.Environment["PipelineEvents__Container"] = names.Container;
        info.Environment["Webhooks__CDEvents__Secrets__0"] = Secrets.CDEvents;
        info.Environment["LocalHost__Queue__RetryDelay"] = "00:00:01";
        info.Environment["LocalHost__Queue__MaxPollingInterval"] = "00:00:00.500";
        info.Environment["DOTNET_ENVIRONMENT"] = "Development";

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the local host.");
        var host = new LocalHostProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The local host exited with {process.ExitCode}:\n{host.Output}");
            }

            try
            {
                if ((await http.GetAsync("/api/health", cancellationToken)).IsSuccessStatusCode)
                {
                    return host;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                await host.DisposeAsync();
                throw new TimeoutException($"The local host did not answer /api/health within 120 s:\n{host.Output}");
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static string LocalHostDll()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ReleaseFunctions.sln")))
        {
            dir = dir.Parent;
        }

        var dll = Path.Combine(dir?.FullName ?? ".", "src", "ReleaseFunctions.LocalHost", "bin", configuration, "net10.0", "ReleaseFunctions.LocalHost.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build src/ReleaseFunctions.LocalHost first.", dll);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
