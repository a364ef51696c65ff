using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using ReleaseManagement.Api;

namespace ReleaseFunctions.Functions;

/// <summary>The HTTP trigger that resumes a stranded release: bind, call the shared handler (<see cref="ResumeHandler"/>), return.</summary>
public sealed class ResumeApi(ResumeHandler resume)
{
    [Function(FunctionNames.ResumeRelease)]
    public async Task<IResult> Resume(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.ReleaseResume)] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        await resume.ResumeAsync(id, request, durable, cancellationToken);
}
