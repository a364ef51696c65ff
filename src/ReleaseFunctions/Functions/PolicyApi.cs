using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ReleaseManagement.Api;

namespace ReleaseFunctions.Functions;

/// <summary>HTTP trigger showing the effective release policy.</summary>
public sealed class PolicyApi(PolicyHandlers policy)
{
    [Function(FunctionNames.GetPolicy)]
    public IResult Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Policy)] HttpRequest request) =>
        policy.Get();
}
