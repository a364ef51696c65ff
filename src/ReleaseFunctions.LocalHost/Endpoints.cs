using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Communications;
using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Api.Feedback;
using ReleaseManagement.Api.Metrics;
using ReleaseManagement.Api.Webhooks;
using ReleaseManagement.Azure.Email;
using ReleaseManagement.Orchestration;

namespace ReleaseFunctions.LocalHost;

/// <summary>
/// The same routes (<see cref="ApiRoutes"/>) as the Functions app's HTTP triggers, calling the same handlers, plus the local
/// mailbox outside the API and the pipeline simulator (Development only).
/// </summary>
public static class Endpoints
{
    public const string DevMailboxRoute = "/dev/mailbox";

    /// <summary>The local host's whole request pipeline: uncaught exceptions as problem details (<see cref="UnhandledProblems"/>), the identity gate (<see cref="ReleaseManagement.Api.Auth.AuthGate"/>), then the routes.</summary>
    public static WebApplication UseReleaseHost(this WebApplication app)
    {
        app.UseExceptionHandler();
        ReleaseManagement.Api.Auth.AuthGate.UseAuthGate(app);
        app.MapReleaseEndpoints();
        return app;
    }

    public static IEndpointRouteBuilder MapReleaseEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/" + ApiRoutes.Prefix);
        api.MapPost(ApiRoutes.Releases, (HttpRequest request, DurableTaskClient durable, ReleaseHandlers handlers, CancellationToken ct) =>
            handlers.CreateAsync(request, durable, ct));
        api.MapGet(ApiRoutes.Release, (string id, DurableTaskClient durable, ReleaseHandlers handlers, CancellationToken ct) =>
            handlers.GetAsync(id, durable, ct));
        api.MapPost(ApiRoutes.ReleaseDecisions, (string id, HttpRequest request, DurableTaskClient durable, DecisionHandlers handlers, CancellationToken ct) =>
            handlers.DecideAsync(id, request, durable, ct));
        api.MapGet(ApiRoutes.Releases, (HttpRequest request, ReleaseHandlers handlers, CancellationToken ct) =>
            handlers.ListAsync(request, ct));
        api.MapPatch(ApiRoutes.Release, (string id, HttpRequest request, DurableTaskClient durable, RescheduleHandler handlers, CancellationToken ct) =>
            handlers.RescheduleAsync(id, request, durable, ct));
        api.MapPost(ApiRoutes.ReleaseCancel, (string id, HttpRequest request, DurableTaskClient durable, CancelHandler handlers, CancellationToken ct) =>
            handlers.CancelAsync(id, request, durable, ct));
        api.MapPost(ApiRoutes.ReleaseMilestone, (string id, string name, HttpRequest request, DurableTaskClient durable, MilestoneHandler handlers, CancellationToken ct) =>
            handlers.MilestoneAsync(id, name, request, durable, ct));
        api.MapPost(ApiRoutes.ReleaseEvidence, (string id, HttpRequest request, DurableTaskClient durable, EvidenceHandler handlers, CancellationToken ct) =>
            handlers.EvidenceAsync(id, request, durable, ct));
        api.MapGet(ApiRoutes.ReleaseAudit, (string id, HttpRequest request, AuditHandlers handlers, CancellationToken ct) => handlers.GetAsync(id, request, ct));
        api.MapGet(ApiRoutes.AuditPeriod, (HttpRequest request, AuditHandlers handlers, CancellationToken ct) => handlers.GetPeriodAsync(request, ct));
        api.MapGet(ApiRoutes.ReleaseNotes, (string id, HttpRequest request, ReleaseNotesHandlers notes, CancellationToken ct) => notes.GetAsync(id, request, ct));
        api.MapPost(ApiRoutes.ReleaseRollback, (string id, HttpRequest request, DurableTaskClient durable, RollbackHandler handlers, CancellationToken ct) =>
            handlers.RollbackAsync(id, request, durable, ct));
        api.MapPost(ApiRoutes.ReleaseRetry, (string id, HttpRequest request, DurableTaskClient durable, OutageDecisionHandler handlers, CancellationToken ct) =>
            handlers.OutageDecisionAsync(id, OutageAction.Retry, request, durable, ct));
        api.MapPost(ApiRoutes.ReleaseSkip, (string id, HttpRequest request, DurableTaskClient durable, OutageDecisionHandler handlers, CancellationToken ct) =>
            handlers.OutageDecisionAsync(id, OutageAction.Skip, request, durable, ct));
        api.MapPost(ApiRoutes.ReleaseResume, (string id, HttpRequest request, DurableTaskClient durable, ResumeHandler handlers, CancellationToken ct) =>
            handlers.ResumeAsync(id, request, durable, ct));
        api.MapPost(ApiRoutes.Delegations, (HttpRequest request, DelegationHandlers handlers, CancellationToken ct) => handlers.CreateAsync(request, ct));
        api.MapGet(ApiRoutes.Delegations, (HttpRequest request, DelegationHandlers handlers, CancellationToken ct) => handlers.ListAsync(request, ct));
        api.MapPost(ApiRoutes.DelegationCancel, (string id, HttpRequest request, DelegationHandlers handlers, CancellationToken ct) =>
            handlers.CancelAsync(id, request, ct));
        api.MapGet(ApiRoutes.Health, () => HealthHandler.Get());
        api.MapGet(ApiRoutes.Policy, (PolicyHandlers handlers) => handlers.Get());
        api.MapPost(ApiRoutes.GitHubWebhook, (HttpRequest request, WebhookHandlers handlers, CancellationToken ct) => handlers.GitHubAsync(request, ct));
        api.MapPost(ApiRoutes.AzureDevOpsWebhook, (HttpRequest request, WebhookHandlers handlers, CancellationToken ct) => handlers.AzureDevOpsAsync(request, ct));
        api.MapPost(ApiRoutes.CDEventsWebhook, (HttpRequest request, WebhookHandlers handlers, CancellationToken ct) => handlers.CDEventsAsync(request, ct));
        api.MapMethods(ApiRoutes.Approval, [HttpMethods.Get, HttpMethods.Head], (string token, DurableTaskClient durable, ApprovalPageHandlers pages, CancellationToken ct) =>
            pages.ShowAsync(token, durable, ct));
        api.MapPost(ApiRoutes.Approval, (string token, HttpRequest request, DurableTaskClient durable, ApprovalPageHandlers pages, CancellationToken ct) =>
            pages.DecideAsync(token, request, durable, ct)).DisableAntiforgery();
        api.MapMethods(ApiRoutes.FeedbackLink, [HttpMethods.Get, HttpMethods.Head], (string token, FeedbackHandlers feedback, CancellationToken ct) => feedback.ShowAsync(token, ct));
        api.MapPost(ApiRoutes.FeedbackLink, (string token, HttpRequest request, FeedbackHandlers feedback, CancellationToken ct) =>
            feedback.AnswerAsync(token, request, ct)).DisableAntiforgery();
        api.MapGet(ApiRoutes.ReleaseFeedback, (string id, HttpRequest request, FeedbackHandlers feedback, CancellationToken ct) => feedback.SummaryAsync(id, request, ct));
        api.MapGet(ApiRoutes.ReleaseObjectives, (string id, ObjectiveHandlers handlers, CancellationToken ct) => handlers.ListAsync(id, ct));
        api.MapPost(ApiRoutes.ReleaseObjective, (string id, string objective, HttpRequest request, ObjectiveHandlers handlers, CancellationToken ct) =>
            handlers.AttestAsync(id, objective, request, ct));
        api.MapGet(ApiRoutes.Metrics, (HttpRequest request, MetricsHandlers handlers, CancellationToken ct) => handlers.GetMetricsAsync(request, ct));
        api.MapGet(ApiRoutes.Report, (string period, HttpRequest request, MetricsHandlers handlers, CancellationToken ct) =>
            handlers.GetReportAsync(period, request, ct));
        app.MapDashboard(atRoot: true);
        // Local host only (declared so in HostParityTests): the release page's pipeline simulator, 404 outside Development.
        app.MapPost("/" + ApiRoutes.Prefix + "/" + PipelineSimulator.Route, (string id, HttpRequest request, PipelineSimulator simulator, CancellationToken ct) =>
            simulator.SendAsync(id, request, ct)).DisableAntiforgery();
        app.MapGet(DevMailboxRoute, (IOptions<EmailOptions> options, NoticeTemplateStore templates) => DevMailbox.List(options, templates));
        return app;
    }
}
