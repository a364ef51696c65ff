using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Azure.FeatureFlags;

namespace ReleaseManagement.Azure.Tests.FeatureFlags;

/// <summary>A request the fake store received: method, raw target (path and query as sent), and the headers that matter.</summary>
internal sealed record AppConfigRequest(string Method, string RawTarget, string Key, string? Label, string? Authorization, string? ContentType, string? IfMatch, string? IfNoneMatch, string Body);

/// <summary>One key-value as the store holds it.</summary>
internal sealed record StoredKeyValue(string Key, string? Label, string? Value, string? ContentType, JsonObject Tags, string ETag);

/// <summary>
/// A local HTTPS server (Kestrel on 127.0.0.1, a free port, a throw-away self-signed certificate: Azure.Core sends bearer
/// tokens over HTTPS only) speaking the App Configuration data-plane key-value protocol: <c>GET</c> and <c>PUT
/// /kv/{key}?label=&amp;api-version=</c> with ETags (<c>If-Match</c>, <c>If-None-Match: *</c>, 412 when they fail, 404 for an
/// absent key). It refuses a request without the test's bearer token (401), without the expected api-version (400), or a
/// PUT whose content type is not the key-value media type (415). A test can script what happens before a request is
/// handled (answer 503, wait, or change the stored value as another writer would).
/// </summary>
internal sealed class FakeAppConfiguration : IAsyncDisposable
{
    public const string Token = "appconfig-test-token";

    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private readonly ConcurrentDictionary<(string Key, string Label), StoredKeyValue> _store = new();
    private readonly ConcurrentQueue<Func<HttpContext, AppConfigRequest, Task<bool>>> _script = new();
    private int _etags;

    private FakeAppConfiguration(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        _certificate = certificate;
    }

    public ConcurrentQueue<AppConfigRequest> Received { get; } = new();

    public Uri Endpoint { get; private set; } = null!;

    public static async Task<FakeAppConfiguration> StartAsync()
    {
        var certificate = LoopbackHttps.CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        var fake = new FakeAppConfiguration(app, certificate);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.Endpoint = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        return fake;
    }

    /// <summary>
    /// Runs before the next request is handled; when it returns true it has answered the request itself (e.g. a 503).
    /// </summary>
    public void Before(Func<HttpContext, AppConfigRequest, Task<bool>> step) => _script.Enqueue(step);

    /// <summary>Stores a key-value as another writer (a person in the portal) would, with a new ETag.</summary>
    public StoredKeyValue Seed(string key, string? label, string value, JsonObject? tags = null) =>
        _store[(key, label ?? string.Empty)] = new StoredKeyValue(key, label, value, AppConfigurationFeatureFlags.FeatureFlagContentType, tags ?? [], NextETag());

    public StoredKeyValue? Get(string key, string? label = null) => _store.TryGetValue((key, label ?? string.Empty), out var kv) ? kv : null;

    /// <summary>The stored flag's value as JSON.</summary>
    public JsonObject Flag(string name, string? label = null) =>
        JsonNode.Parse(Get(AppConfigurationFeatureFlags.KeyPrefix + name, label)?.Value ?? throw new InvalidOperationException($"No flag {name}."))!.AsObject();

    public IReadOnlyList<AppConfigRequest> Puts => Received.Where(r => r.Method == "PUT").ToArray();

    /// <summary>A client for this store: its certificate trusted, the given credential, quick retries.</summary>
    public AppConfigurationFeatureFlags Client(TokenCredential credential, string? label = null, int maxRetries = 1, TimeSpan? networkTimeout = null)
    {
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == _certificate.Thumbprint,
        };
        var options = new AppConfigurationFeatureFlagsOptions { Transport = new HttpClientTransport(handler), Label = label };
        options.Retry.MaxRetries = maxRetries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(50);
        options.Retry.NetworkTimeout = networkTimeout ?? TimeSpan.FromSeconds(30);
        return new AppConfigurationFeatureFlags(Endpoint, credential, options);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var path = raw.Split('?')[0];
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var label = context.Request.Query.TryGetValue("label", out var l) ? l.ToString() : null;
        var key = path.StartsWith("/kv/", StringComparison.Ordinal) ? Uri.UnescapeDataString(path["/kv/".Length..]) : string.Empty;
        var request = new AppConfigRequest(context.Request.Method, raw, key, label, context.Request.Headers.Authorization, context.Request.ContentType,
            context.Request.Headers.IfMatch, context.Request.Headers.IfNoneMatch, body);
        Received.Enqueue(request);

        if (_script.TryDequeue(out var step) && await step(context, request))
        {
            return;
        }

        if (request.Authorization != $"Bearer {Token}")
        {
            await Problem(context, 401, "Unauthorized", "No valid bearer token.");
            return;
        }

        if (context.Request.Query["api-version"] != AppConfigurationFeatureFlags.ApiVersion || key.Length == 0)
        {
            await Problem(context, 400, "Invalid request", $"Expected /kv/{{key}} and api-version {AppConfigurationFeatureFlags.ApiVersion}.");
            return;
        }

        var id = (key, label ?? string.Empty);
        var current = _store.TryGetValue(id, out var kv) ? kv : null;
        if (HttpMethods.IsGet(context.Request.Method))
        {
            if (current is null)
            {
                await Problem(context, 404, "Not found", $"Key '{key}' does not exist.");
                return;
            }

            await Answer(context, 200, current);
            return;
        }

        if (!HttpMethods.IsPut(context.Request.Method))
        {
            await Problem(context, 405, "Method not allowed", context.Request.Method);
            return;
        }

        if (request.ContentType?.StartsWith(AppConfigurationFeatureFlags.KeyValueMediaType, StringComparison.Ordinal) != true)
        {
            await Problem(context, 415, "Unsupported media type", request.ContentType ?? "none");
            return;
        }

        var failed = (request.IfMatch, request.IfNoneMatch) switch
        {
            ({ Length: > 0 } ifMatch, _) => current is null || (ifMatch != "*" && ifMatch != current.ETag),
            (_, "*") => current is not null,
            _ => false,
        };
        if (failed)
        {
            await Problem(context, 412, "Precondition failed", "The key-value's ETag does not match.");
            return;
        }

        var json = JsonNode.Parse(body)!.AsObject();
        var stored = new StoredKeyValue(key, label, (string?)json["value"], (string?)json["content_type"], json["tags"] as JsonObject ?? [], NextETag());
        _store[id] = stored;
        await Answer(context, current is null ? 201 : 200, stored);
    }

    private string NextETag() => $"\"etag-{Interlocked.Increment(ref _etags)}\"";

    private static Task Answer(HttpContext context, int status, StoredKeyValue kv)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = AppConfigurationFeatureFlags.KeyValueMediaType + "; charset=utf-8";
        context.Response.Headers.ETag = kv.ETag;
        var body = new JsonObject
        {
            ["etag"] = kv.ETag.Trim('"'),
            ["key"] = kv.Key,
            ["label"] = kv.Label,
            ["content_type"] = kv.ContentType,
            ["value"] = kv.Value,
            ["tags"] = kv.Tags.DeepClone(),
            ["locked"] = false,
            ["last_modified"] = DateTimeOffset.UtcNow.ToString("O"),
        };
        return context.Response.WriteAsync(body.ToJsonString());
    }

    public static Task Problem(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json; charset=utf-8";
        return context.Response.WriteAsync(new JsonObject { ["type"] = "about:blank", ["title"] = title, ["detail"] = detail, ["status"] = status }.ToJsonString());
    }


    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
    }
}
