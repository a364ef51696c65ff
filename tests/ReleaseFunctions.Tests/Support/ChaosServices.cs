using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ReleaseFunctions.Tests.Support;

/// <summary>
/// A TCP proxy a chaos test owns, on a loopback port of its own, in front of a real server (smtp4dev). Open, it forwards
/// every connection; <see cref="Close"/> stops listening and cuts the connections it carries, so a client connecting gets
/// "connection refused", as from a mail server that is down; <see cref="Open"/> listens again on the same port.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<TcpClient, byte> _connections = new();
    private readonly object _gate = new();
    private TcpListener? _listener;
    private CancellationTokenSource? _stop;

    public TcpProxy(int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    /// <summary>Connections accepted and forwarded so far.</summary>
    public int Forwarded => Volatile.Read(ref _forwarded);

    private int _forwarded;

    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _listener is not null;
            }
        }
    }

    public void Open()
    {
        lock (_gate)
        {
            if (_listener is not null)
            {
                return;
            }

            var listener = new TcpListener(IPAddress.Loopback, Port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            _listener = listener;
            _stop = new CancellationTokenSource();
            _ = AcceptAsync(listener, _stop.Token);
        }
    }

    /// <summary>Stops listening (connections are refused) and cuts every connection in flight.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _stop?.Cancel();
            _listener?.Stop();
            _listener = null;
            foreach (var c in _connections.Keys)
            {
                c.Dispose();
            }

            _connections.Clear();
        }
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _forwarded);
            _ = ForwardAsync(inbound, stop);
        }
    }

    private async Task ForwardAsync(TcpClient inbound, CancellationToken stop)
    {
        var outbound = new TcpClient();
        _connections[inbound] = 0;
        _connections[outbound] = 0;
        try
        {
            await outbound.ConnectAsync(_target, stop);
            var a = inbound.GetStream();
            var b = outbound.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, stop), b.CopyToAsync(a, stop));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // cut by Close, or a side hung up
        }
        finally
        {
            _connections.TryRemove(inbound, out _);
            _connections.TryRemove(outbound, out _);
            inbound.Dispose();
            outbound.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }
}

/// <summary>How the <see cref="DeploymentReceiver"/> answers.</summary>
public enum ReceiverMode
{
    /// <summary>202, as a pipeline that took the request.</summary>
    Accept,

    /// <summary>500, as a pipeline that is broken.</summary>
    Fail,

    /// <summary>No answer until the caller gives up, as a pipeline that hangs.</summary>
    Hang,
}

/// <summary>One deployment request the receiver got, and how it answered.</summary>
public sealed record ReceivedDeployment(string RequestId, string ReleaseId, string Environment, bool Rollback, int Answer, DateTimeOffset At);

/// <summary>
/// The deployment pipeline's webhook as a chaos test owns it: a local HTTP server (Kestrel on a free loopback port) that
/// answers every <c>POST /deploy</c> as <see cref="Mode"/> says and records each request with its <c>X-Request-Id</c>, so
/// a test can count what was accepted (a pipeline deploys once per request id it accepted).
/// </summary>
public sealed class DeploymentReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _mode = (int)ReceiverMode.Accept;

    private DeploymentReceiver(WebApplication app) => _app = app;

    public ReceiverMode Mode
    {
        get => (ReceiverMode)Volatile.Read(ref _mode);
        set => Volatile.Write(ref _mode, (int)value);
    }

    public Uri Url { get; private set; } = null!;

    public ConcurrentQueue<ReceivedDeployment> Received { get; } = new();

    public static async Task<DeploymentReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new DeploymentReceiver(app);
        app.MapPost("/deploy", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/deploy");
        return receiver;
    }

    /// <summary>The requests answered 2xx, per environment and request id.</summary>
    public IReadOnlyList<ReceivedDeployment> Accepted(string releaseId) =>
        Received.Where(r => r.ReleaseId == releaseId && r.Answer is >= 200 and < 300).ToList();

    private async Task HandleAsync(HttpContext context)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var mode = Mode;
        var answer = mode switch { ReceiverMode.Accept => 202, ReceiverMode.Fail => 500, _ => 0 };
        Received.Enqueue(new ReceivedDeployment(
            context.Request.Headers["X-Request-Id"].ToString(),
            (string?)body?["releaseId"] ?? "",
            (string?)body?["environment"] ?? "",
            (bool?)body?["rollback"] ?? false,
            answer,
            DateTimeOffset.UtcNow));
        if (mode == ReceiverMode.Hang)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // the caller gave up (its timeout), as against a pipeline that hangs
            }

            return;
        }

        context.Response.StatusCode = answer;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The messages smtp4dev (started by scripts/test.sh) received, read through its REST API.</summary>
public sealed class Smtp4DevMailbox : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = ApiUrl, Timeout = TimeSpan.FromSeconds(30) };

    public static int SmtpPort => int.Parse(Required("SMTP4DEV_SMTP_PORT"), System.Globalization.CultureInfo.InvariantCulture);

    public static Uri ApiUrl => new(Required("SMTP4DEV_API_URL"));

    /// <summary>One message as listed: its recipients and subject.</summary>
    public sealed record Mail(string To, string Subject);

    /// <summary>Every message whose subject names <paramref name="releaseId"/> (approval emails and notices both do).</summary>
    public async Task<IReadOnlyList<Mail>> OfAsync(string releaseId, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync("/api/messages?pageSize=5000", cancellationToken));
        return document.RootElement.GetProperty("results").EnumerateArray()
            .Select(m => new Mail(
                string.Join(",", m.GetProperty("to").EnumerateArray().Select(t => t.GetString()).Order(StringComparer.Ordinal)),
                m.GetProperty("subject").GetString() ?? ""))
            .Where(m => m.Subject.Contains(releaseId, StringComparison.Ordinal))
            .ToList();
    }

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run the tests with scripts/test.sh, which starts smtp4dev.");

    public void Dispose() => _http.Dispose();
}

/// <summary>
/// An Azurite of one test's own (the pinned one scripts/lib/azurite.sh installs into tools/azurite, in memory, on free
/// loopback ports), so the test may pause it (SIGSTOP) without stopping the shared Azurite every other test uses.
/// </summary>
public sealed class OwnAzurite : IAsyncDisposable
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly System.Diagnostics.Process _process;

    private OwnAzurite(System.Diagnostics.Process process, string connectionString)
    {
        _process = process;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<OwnAzurite> StartAsync(CancellationToken cancellationToken)
    {
        var azurite = ReleaseFunctions.TestSupport.Repo.Path("tools", "azurite", "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException($"{azurite} is missing: scripts/test.sh installs it.");
        }

        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        var info = new System.Diagnostics.ProcessStartInfo(azurite)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            "--silent", "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl", "--inMemoryPersistence",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", $"{blob}", "--queuePort", $"{queue}", "--tablePort", $"{table}",
        })
        {
            info.ArgumentList.Add(a);
        }

        var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException("Azurite did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var own = new OwnAzurite(process,
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;" +
            $"QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var port in new[] { blob, queue, table })
        {
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"Azurite exited with {process.ExitCode}");
                }

                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(200, cancellationToken);
                }
            }
        }

        return own;
    }

    /// <summary>Stops the process where it stands (SIGSTOP): connections open, nothing answered.</summary>
    public Task PauseAsync() => SignalAsync("-STOP");

    /// <summary>Lets it go on (SIGCONT).</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    private async Task SignalAsync(string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await ResumeAsync();
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}

/// <summary>How the <see cref="LogAnalyticsFake"/> answers a health query.</summary>
public enum LogAnalyticsMode
{
    /// <summary>200 with healthy values for the release's systems, in both windows.</summary>
    Healthy,

    /// <summary>429 ThrottledError with Retry-After: 1.</summary>
    Throttled,

    /// <summary>503 ServiceUnavailable.</summary>
    Unavailable,
}

/// <summary>
/// Log Analytics as the local host process reaches it, for a chaos test: the query REST protocol
/// (<c>POST /v1/workspaces/{id}/query</c>, HTTPS with a throw-away self-signed certificate the host trusts through
/// <c>SSL_CERT_FILE</c>: Azure.Core sends bearer tokens over TLS only) and a managed identity token endpoint (App Service's
/// protocol, <c>IDENTITY_ENDPOINT</c>/<c>IDENTITY_HEADER</c>, which the host's DefaultAzureCredential follows). Answers
/// each query as <see cref="Mode"/> says, with rows for one release's systems; records what it answered.
/// </summary>
public sealed class LogAnalyticsFake : IAsyncDisposable
{
    public const string Workspace = "00000000-1111-2222-3333-444444444444";
    private const string Token = "chaos-monitoring-token";
    private const string IdentityHeader = "chaos-identity-header";
    private readonly WebApplication _app;
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _certificate;
    private readonly string _certificateFile = Path.Combine(Path.GetTempPath(), $"chaos-monitoring-{Guid.NewGuid():N}.pem");
    private int _mode = (int)LogAnalyticsMode.Healthy;

    private LogAnalyticsFake(WebApplication app, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, string releaseId, string system)
    {
        _app = app;
        _certificate = certificate;
        ReleaseId = releaseId;
        System = system;
    }

    public string ReleaseId { get; }

    public string System { get; }

    public LogAnalyticsMode Mode
    {
        get => (LogAnalyticsMode)Volatile.Read(ref _mode);
        set => Volatile.Write(ref _mode, (int)value);
    }

    /// <summary>The status each query naming the release was answered with, in order.</summary>
    public ConcurrentQueue<int> Answers { get; } = new();

    /// <summary>The host's settings that point its monitoring here.</summary>
    public Dictionary<string, string> Settings { get; } = [];

    public static async Task<LogAnalyticsFake> StartAsync(string releaseId, string system)
    {
        var certificate = CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate));
            k.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var fake = new LogAnalyticsFake(app, certificate, releaseId, system);
        app.MapPost("/v1/workspaces/{workspace}/query", fake.QueryAsync);
        app.MapGet("/msi/token", fake.TokenAsync);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();
        await File.WriteAllTextAsync(fake._certificateFile, certificate.ExportCertificatePem());
        fake.Settings["Monitoring__Endpoint"] = addresses.Single(a => a.StartsWith("https:", StringComparison.Ordinal)).Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
        fake.Settings["Monitoring__WorkspaceId"] = Workspace;
        fake.Settings["IDENTITY_ENDPOINT"] = addresses.Single(a => a.StartsWith("http:", StringComparison.Ordinal)) + "/msi/token";
        fake.Settings["IDENTITY_HEADER"] = IdentityHeader;
        fake.Settings["SSL_CERT_FILE"] = fake._certificateFile;
        return fake;
    }

    private async Task TokenAsync(HttpContext context)
    {
        if (context.Request.Headers["X-IDENTITY-HEADER"] != IdentityHeader)
        {
            context.Response.StatusCode = 401;
            return;
        }

        var expires = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(global::System.Globalization.CultureInfo.InvariantCulture);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject
        {
            ["access_token"] = Token, ["expires_on"] = expires, ["resource"] = (string?)context.Request.Query["resource"], ["token_type"] = "Bearer",
        }.ToJsonString());
    }

    private async Task QueryAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var query = (string?)JsonNode.Parse(await reader.ReadToEndAsync())?["query"] ?? "";
        if (context.Request.Headers.Authorization != $"Bearer {Token}")
        {
            context.Response.StatusCode = 401;
            return;
        }

        var ours = query.Contains($"\"{ReleaseId}\"", StringComparison.Ordinal);
        var mode = ours ? Mode : LogAnalyticsMode.Healthy;
        var status = mode switch { LogAnalyticsMode.Throttled => 429, LogAnalyticsMode.Unavailable => 503, _ => 200 };
        if (ours)
        {
            Answers.Enqueue(status);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        if (status == 429)
        {
            context.Response.Headers["Retry-After"] = "1";
        }

        JsonNode body = status == 200
            ? Tables(ours)
            : new JsonObject { ["error"] = new JsonObject { ["code"] = status == 429 ? "ThrottledError" : "ServiceUnavailable", ["message"] = "try later" } };
        await context.Response.WriteAsync(body.ToJsonString());
    }

    /// <summary>Healthy values of every metric the thresholds judge, in the release's window and its baseline.</summary>
    private JsonObject Tables(bool ours)
    {
        var rows = new JsonArray();
        if (ours)
        {
            foreach (var window in new[] { "release", "baseline" })
            {
                foreach (var (metric, value) in new[] { ("errorRate", 0.1), ("p95DurationMs", 120.0), ("availability", 99.99), ("exceptionCount", 0.0) })
                {
                    rows.Add(new JsonArray(ReleaseId, System, metric, window, value));
                }
            }
        }

        return new JsonObject
        {
            ["tables"] = new JsonArray(new JsonObject
            {
                ["name"] = "PrimaryResult",
                ["columns"] = new JsonArray(new[] { ("ReleaseId", "string"), ("System", "string"), ("Metric", "string"), ("Window", "string"), ("Value", "real") }
                    .Select(c => (JsonNode)new JsonObject { ["name"] = c.Item1, ["type"] = c.Item2 }).ToArray()),
                ["rows"] = rows,
            }),
        };
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 CreateCertificate()
    {
        using var key = global::System.Security.Cryptography.RSA.Create(2048);
        var request = new global::System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=127.0.0.1", key, global::System.Security.Cryptography.HashAlgorithmName.SHA256, global::System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        var san = new global::System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new global::System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(2));
        return global::System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(
            cert.Export(global::System.Security.Cryptography.X509Certificates.X509ContentType.Pfx), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
        File.Delete(_certificateFile);
    }
}
