using Microsoft.AspNetCore.Http;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Api;

/// <summary><c>GET /api/policy</c>: the effective release policy, read-only, in the shape of <c>config/release-policy.json</c>.</summary>
public sealed class PolicyHandlers(ReleasePolicy policy)
{
    public IResult Get() => Results.Json(policy, PolicyJson.Options, statusCode: StatusCodes.Status200OK);
}
