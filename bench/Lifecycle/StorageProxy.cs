using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Lifecycle;

/// <summary>
/// A counting reverse proxy between the local host and Azurite (issue 28 §2): one loopback port per storage service
/// (blob, queue, table) that forwards each request unchanged (method, raw target, headers, body: the shared-key signature
/// still holds) to Azurite's port for that service and counts it in a <see cref="StorageTally"/>. The local host is
/// another process, so the Azure SDK's in-process request events do not reach the harness; its storage connection
/// string points here instead (<see cref="ConnectionString"/>). Requests and responses are buffered (the largest are
/// history pages and large-message blobs, well under a megabyte).
/// </summary>
internal sealed class StorageProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Connection",
        "Proxy-Authorization", "Proxy-Authenticate", "Expect", "Content-Length",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly Dictionary<int, (StorageService Service, Uri Target)> _routes;
    private StorageTally _tally;
    private StreamWriter? _log;

    private StorageProxy(WebApplication app, HttpClient upstream, Dictionary<int, (StorageService, Uri)> routes, string connectionString, string hub)
    {
        _app = app;
        _upstream = upstream;
        _routes = routes;
        ConnectionString = connectionString;
        Hub = hub;
        _tally = new StorageTally(hub);
    }

    /// <summary>Azurite's connection string with the three service endpoints replaced by the proxy's.</summary>
    public string ConnectionString { get; }

    public string Hub { get; }

    /// <summary>The requests counted so far (still counting: read its totals, then <see cref="Take"/>).</summary>
    public StorageTally Current => Volatile.Read(ref _tally);

    /// <summary>Also writes every request (service, method, target, status, time) to <paramref name="path"/> (option <c>ops-log=</c>).</summary>
    public void LogTo(string path) => _log = new StreamWriter(path, append: true) { AutoFlush = true };

    /// <summary>Ends the current window: returns what it counted and starts a fresh tally.</summary>
    public StorageTally Take() => Interlocked.Exchange(ref _tally, new StorageTally(Hub));

    /// <summary>Starts the proxy for Azurite's <paramref name="connectionString"/>; <paramref name="hub"/> names the engine's task hub (the classification).</summary>
    public static async Task<StorageProxy> StartAsync(string connectionString, string hub)
    {
        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.OrdinalIgnoreCase);
        var routes = new Dictionary<int, (StorageService, Uri)>();
        foreach (var (service, key) in new[] { (StorageService.Blob, "BlobEndpoint"), (StorageService.Queue, "QueueEndpoint"), (StorageService.Table, "TableEndpoint") })
        {
            if (!parts.TryGetValue(key, out var endpoint))
            {
                throw new InvalidOperationException($"The connection string has no {key}: the proxy needs Azurite's three endpoints.");
            }

            var target = new Uri(endpoint);
            var port = FreePort();
            routes[port] = (service, new Uri(target.GetLeftPart(UriPartial.Authority)));
            parts[key] = $"http://127.0.0.1:{port}{target.AbsolutePath.TrimEnd('/')}";
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MinRequestBodyDataRate = null;
            k.Limits.MinResponseDataRate = null;
            foreach (var port in routes.Keys)
            {
                k.Listen(IPAddress.Loopback, port);
            }
        });
        var app = builder.Build();
        var upstream = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var proxy = new StorageProxy(app, upstream, routes, string.Join(';', parts.Select(p => $"{p.Key}={p.Value}")) + ";", hub);
        app.Run(proxy.ForwardAsync);
        await app.StartAsync();
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
        if (_log is not null)
        {
            await _log.DisposeAsync();
        }
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var (service, target) = _routes[context.Connection.LocalPort];
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var body = await ReadAsync(context.Request.Body, context.RequestAborted);
        // The raw target as sent: the shared-key signature covers the path and query as the client wrote them.
        var uri = new Uri(target.GetLeftPart(UriPartial.Authority) + rawTarget, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), uri);
        if (body.Length > 0 || context.Request.ContentLength is not null)
        {
            request.Content = new ByteArrayContent(body);
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseContentRead, context.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            Current.Failed();
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            await context.Response.WriteAsync(e.Message, context.RequestAborted);
            return;
        }

        using (response)
        {
            var answer = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
            Current.Count(service, context.Request.Method, rawTarget, body, (int)response.StatusCode, answer);
            if (_log is { } log)
            {
                lock (log)
                {
                    log.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {service} {context.Request.Method} {rawTarget} {(int)response.StatusCode} {body.Length} {answer.Length}");
                }
            }
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) || name.Equals("Connection", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.NotModified)
                {
                    continue;
                }

                context.Response.Headers[name] = values.ToArray();
            }

            if (answer.Length > 0 && !HttpMethods.IsHead(context.Request.Method))
            {
                await context.Response.Body.WriteAsync(answer, context.RequestAborted);
            }
        }
    }

    private static async Task<byte[]> ReadAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal enum StorageService
{
    Blob,
    Queue,
    Table,
}
