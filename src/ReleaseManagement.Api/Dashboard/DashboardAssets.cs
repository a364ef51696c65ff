using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>
/// The dashboard's stylesheet and its one script (htmx, vendored from npm: see Assets/VENDORED.md), embedded in this
/// assembly and served by the app itself, never from another site. Links carry the content's hash, so a new build's file
/// is fetched at once and an unchanged one is cached for a year.
/// </summary>
public static class DashboardAssets
{
    private static readonly FrozenDictionary<string, Asset> Assets = Load();

    public static IEnumerable<string> Names => Assets.Keys;

    /// <summary>The asset's address with its version (the first 16 hex digits of its SHA-256).</summary>
    public static string Url(string name) => $"{DashboardRoutes.Asset(name)}?v={Assets[name].Version}";

    public static ReadOnlyMemory<byte> Content(string name) => Assets[name].Bytes;

    /// <summary><c>GET /api/dashboard/assets/{name}</c>.</summary>
    public static IResult Serve(string name, HttpRequest request)
    {
        if (!Assets.TryGetValue(name, out var asset))
        {
            return Results.NotFound();
        }

        var etag = $"\"{asset.Version}\"";
        var headers = request.HttpContext.Response.Headers;
        headers.ETag = etag;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = request.Query["v"] == asset.Version ? "public, max-age=31536000, immutable" : "no-cache";
        if (request.Headers.IfNoneMatch.Any(v => v == etag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Bytes, asset.ContentType);
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        const string prefix = "Dashboard.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                var bytes = copy.ToArray();
                var name = n[prefix.Length..];
                var type = name.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
                return new Asset(name, bytes, type, Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]);
            })
            .ToFrozenDictionary(a => a.Name, StringComparer.Ordinal);
    }

    private sealed record Asset(string Name, byte[] Bytes, string ContentType, string Version);
}
