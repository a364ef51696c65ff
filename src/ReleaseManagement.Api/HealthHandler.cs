using Microsoft.AspNetCore.Http;

namespace ReleaseManagement.Api;

/// <summary><c>GET /api/health</c>: a liveness answer for smoke checks after a deployment.</summary>
public static class HealthHandler
{
    public static IResult Get() => ApiJson.Json(new { status = "ok" });
}
