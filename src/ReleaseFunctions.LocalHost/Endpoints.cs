using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Api.Metrics;
using ReleaseManagement.Azure.Email;

namespace ReleaseFunctions.LocalHost;

/// <summary>The same routes as the Functions app's HTTP triggers, calling the same handlers.</summary>
public static class Endpoints
{
    public static IEndpointRouteBuilder MapReleaseEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapPost("/releases", (HttpRequest request, DurableTaskClient durable, ReleaseHandlers handlers, CancellationToken ct) =>
            handlers.CreateAsync(request, durable, ct));
        api.MapGet("/releases/{id}", (string id, DurableTaskClient durable, ReleaseHandlers handlers, CancellationToken ct) =>
            handlers.GetAsync(id, durable, ct));
        api.MapPost("/releases/{id}/decisions", (string id, HttpRequest request, DurableTaskClient durable, DecisionHandlers handlers, CancellationToken ct) =>
            handlers.DecideAsync(id, request, durable, ct));
        api.MapGet("/releases", (HttpRequest request, ReleaseHandlers handlers, CancellationToken ct) =>
            handlers.ListAsync(request, ct));
        api.MapPatch("/releases/{id}", (string id, HttpRequest request, DurableTaskClient durable, ReleaseControlHandlers handlers, CancellationToken ct) =>
            handlers.RescheduleAsync(id, request, durable, ct));
        api.MapPost("/releases/{id}/cancel", (string id, HttpRequest request, DurableTaskClient durable, ReleaseControlHandlers handlers, CancellationToken ct) =>
            handlers.CancelAsync(id, request, durable, ct));
        api.MapPost("/releases/{id}/milestones/{name}", (string id, string name, HttpRequest request, DurableTaskClient durable, ReleaseControlHandlers handlers, CancellationToken ct) =>
            handlers.MilestoneAsync(id, name, request, durable, ct));
        api.MapPost("/releases/{id}/evidence", (string id, HttpRequest request, DurableTaskClient durable, ReleaseControlHandlers handlers, CancellationToken ct) =>
            handlers.EvidenceAsync(id, request, durable, ct));
        api.MapGet("/health", () => HealthHandler.Get());
        api.MapGet("/policy", (PolicyHandlers handlers) => handlers.Get());
        app.MapPipelineEventEndpoints();
        api.MapMethods("/approvals/{token}", [HttpMethods.Get, HttpMethods.Head], (string token, DurableTaskClient durable, ApprovalPageHandlers pages, CancellationToken ct) =>
            pages.ShowAsync(token, durable, ct));
        api.MapPost("/approvals/{token}", (string token, HttpRequest request, DurableTaskClient durable, ApprovalPageHandlers pages, CancellationToken ct) =>
            pages.DecideAsync(token, request, durable, ct)).DisableAntiforgery();
        api.MapGet("/metrics", (HttpRequest request, MetricsHandlers handlers, CancellationToken ct) => handlers.GetMetricsAsync(request, ct));
        api.MapGet("/reports/{period}", (string period, HttpRequest request, MetricsHandlers handlers, CancellationToken ct) =>
            handlers.GetReportAsync(period, request, ct));
        app.MapDashboard(atRoot: true);
        app.MapGet("/dev/mailbox", (IOptions<EmailOptions> options) => DevMailbox.List(options));
        return app;
    }
}
