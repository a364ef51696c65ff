using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ReleaseManagement.Api;
using ReleaseManagement.Api.Feedback;

namespace ReleaseFunctions.Functions;

/// <summary>HTTP triggers of the feedback links (GET/HEAD show the form, POST records the answer) and a release's satisfaction.</summary>
public sealed class FeedbackApi(FeedbackHandlers feedback)
{
    [Function(FunctionNames.ShowFeedback)]
    public Task<IResult> Show(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = ApiRoutes.FeedbackLink)] HttpRequest request,
        string token,
        CancellationToken cancellationToken) =>
        feedback.ShowAsync(token, cancellationToken);

    [Function(FunctionNames.AnswerFeedback)]
    public Task<IResult> Answer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.FeedbackLink)] HttpRequest request,
        string token,
        CancellationToken cancellationToken) =>
        feedback.AnswerAsync(token, request, cancellationToken);

    [Function(FunctionNames.GetReleaseFeedback)]
    public Task<IResult> Summary(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.ReleaseFeedback)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        feedback.SummaryAsync(id, request, cancellationToken);
}
