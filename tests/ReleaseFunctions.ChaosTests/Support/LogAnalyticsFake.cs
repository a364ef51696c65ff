using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ReleaseFunctions.Tests.Support;

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
