using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ReleaseManagement.Api;
using ReleaseManagement.Api.Communications;

namespace ReleaseFunctions.Functions;

/// <summary>HTTP trigger serving a release's notes (Markdown or HTML).</summary>
public sealed class ReleaseNotesApi(ReleaseNotesHandlers notes)
{
    [Function(FunctionNames.GetReleaseNotes)]
    public Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.ReleaseNotes)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        notes.GetAsync(id, request, cancellationToken);
}
