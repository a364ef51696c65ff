using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using ReleaseManagement.Api.Dashboard;

namespace ReleaseFunctions.Functions;

/// <summary>HTTP triggers of the release dashboard (<c>/api/dashboard</c>), behind App Service authentication in Azure.</summary>
public sealed class Dashboard(DashboardHandlers pages)
{
    public const string BoardFunction = "DashboardBoard";
    public const string ReleaseFunction = "DashboardRelease";
    public const string MilestoneFunction = "DashboardRecordMilestone";
    public const string EvidenceFunction = "DashboardRecordEvidence";
    public const string RescheduleFunction = "DashboardReschedule";
    public const string CancelFunction = "DashboardCancel";
    public const string RollbackFunction = "DashboardRollback";
    public const string OutageFunction = "DashboardOutageDecision";
    public const string ResumeFunction = "DashboardResume";
    public const string EnvironmentsFunction = "DashboardEnvironments";
    public const string CalendarFunction = "DashboardCalendar";
    public const string MetricsFunction = "DashboardMetrics";
    public const string AssetFunction = "DashboardAsset";

    [Function(BoardFunction)]
    public Task<IResult> Board(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = DashboardRoutes.BoardRoute)] HttpRequest request,
        CancellationToken cancellationToken) =>
        pages.BoardAsync(request, cancellationToken);

    [Function(ReleaseFunction)]
    public Task<IResult> Release(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = DashboardRoutes.ReleaseRoute)] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        pages.ReleaseAsync(id, request, durable, cancellationToken);

    [Function(MilestoneFunction)]
    public Task<IResult> RecordMilestone(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = DashboardRoutes.MilestoneRoute)] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        pages.RecordMilestoneAsync(id, request, durable, cancellationToken);

    [Function(EvidenceFunction)]
    public Task<IResult> RecordEvidence(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = DashboardRoutes.EvidenceRoute)] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        pages.RecordEvidenceAsync(id, request, durable, cancellationToken);

    [Function(RescheduleFunction)]
    public Task<IResult> Reschedule(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = DashboardRoutes.RescheduleRoute)] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        pages.RescheduleAsync(id, request, durable, cancellationToken);

    [Function(CancelFunction)]
    public Task<IResult> Cancel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = DashboardRoutes.CancelRoute)] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        pages.CancelAsync(id, request, durable, cancellationToken);

    [Function(RollbackFunction)]
    public Task<IResult> Rollback(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = DashboardRoutes.RollbackRoute)] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        pages.RollbackAsync(id, request, durable, cancellationToken);

    [Function(OutageFunction)]
    public Task<IResult> OutageDecision(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = DashboardRoutes.OutageRoute)] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        pages.OutageDecisionAsync(id, request, durable, cancellationToken);

    [Function(ResumeFunction)]
    public Task<IResult> Resume(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = DashboardRoutes.ResumeRoute)] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        pages.ResumeAsync(id, request, durable, cancellationToken);

    [Function(EnvironmentsFunction)]
    public Task<IResult> Environments(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = DashboardRoutes.EnvironmentsRoute)] HttpRequest request,
        CancellationToken cancellationToken) =>
        pages.EnvironmentsAsync(request, cancellationToken);

    [Function(CalendarFunction)]
    public Task<IResult> Calendar(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = DashboardRoutes.CalendarRoute)] HttpRequest request,
        CancellationToken cancellationToken) =>
        pages.CalendarAsync(request, cancellationToken);

    [Function(MetricsFunction)]
    public Task<IResult> Metrics(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = DashboardRoutes.MetricsRoute)] HttpRequest request,
        CancellationToken cancellationToken) =>
        pages.MetricsAsync(cancellationToken);

    [Function(AssetFunction)]
    public IResult Asset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = DashboardRoutes.AssetRoute)] HttpRequest request,
        string name) =>
        DashboardHandlers.Asset(name, request);
}
