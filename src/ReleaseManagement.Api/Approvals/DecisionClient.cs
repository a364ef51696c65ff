using Microsoft.AspNetCore.Http;

namespace ReleaseManagement.Api.Approvals;

/// <summary>Where a request for a decision came from: recorded with the decision.</summary>
public sealed record DecisionClient(string? Address, string? UserAgent, AppServicePrincipal? Principal)
{
    public const int MaxUserAgentLength = 512;

    public static DecisionClient From(HttpRequest request)
    {
        // Behind the App Service front ends the client is the first X-Forwarded-For address.
        var forwarded = request.Headers["X-Forwarded-For"].ToString();
        var address = !string.IsNullOrWhiteSpace(forwarded)
            ? forwarded.Split(',')[0].Trim()
            : request.HttpContext.Connection.RemoteIpAddress?.ToString();
        var agent = request.Headers.UserAgent.ToString();
        return new DecisionClient(
            Truncate(address, 100),
            Truncate(string.IsNullOrEmpty(agent) ? null : agent, MaxUserAgentLength),
            AppServicePrincipal.From(request));
    }

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max];
}
