using Microsoft.AspNetCore.Http;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Audit;

namespace ReleaseManagement.Api.Audit;

/// <summary>Where an audited action came from: its channel (<see cref="AuditChannels"/>), the client address and the signed-in principal.</summary>
public sealed record AuditOrigin(string Channel, string? ClientAddress = null, string? SignedInAs = null)
{
    /// <summary>What the orchestration does by itself.</summary>
    public static readonly AuditOrigin Orchestration = new(AuditChannels.Orchestration);

    /// <summary>The origin of an HTTP request: the client address (first <c>X-Forwarded-For</c> entry behind App Service) and principal.</summary>
    public static AuditOrigin From(HttpRequest request, string channel = AuditChannels.Api) => From(DecisionClient.From(request), channel);

    public static AuditOrigin From(DecisionClient client, string channel)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new AuditOrigin(channel, client.Address, client.Principal?.Name);
    }
}
