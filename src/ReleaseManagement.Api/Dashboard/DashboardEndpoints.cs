using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>The dashboard's routes on an ASP.NET Core host (the local host); the Functions app declares the same as triggers.</summary>
public static class DashboardEndpoints
{
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app, bool atRoot)
    {
        string[] getOrHead = [HttpMethods.Get, HttpMethods.Head];
        if (atRoot)
        {
            app.MapMethods("/", getOrHead, (HttpRequest request, DashboardHandlers pages, CancellationToken ct) => pages.BoardAsync(request, ct));
        }

        app.MapMethods(DashboardRoutes.Board, getOrHead, (HttpRequest request, DashboardHandlers pages, CancellationToken ct) => pages.BoardAsync(request, ct));
        app.MapMethods(DashboardRoutes.Base + "/releases/{id}", getOrHead, (string id, HttpRequest request, DashboardHandlers pages, CancellationToken ct) =>
            pages.ReleaseAsync(id, request, ct));
        app.MapPost(DashboardRoutes.Base + "/releases/{id}/milestones", (string id, HttpRequest request, Microsoft.DurableTask.Client.DurableTaskClient durable, DashboardHandlers pages, CancellationToken ct) =>
            pages.RecordMilestoneAsync(id, request, durable, ct)).DisableAntiforgery();
        app.MapMethods(DashboardRoutes.Environments, getOrHead, (HttpRequest request, DashboardHandlers pages, CancellationToken ct) => pages.EnvironmentsAsync(request, ct));
        app.MapMethods(DashboardRoutes.Calendar, getOrHead, (HttpRequest request, DashboardHandlers pages, CancellationToken ct) => pages.CalendarAsync(request, ct));
        app.MapMethods(DashboardRoutes.Metrics, getOrHead, (DashboardHandlers pages, CancellationToken ct) => pages.MetricsAsync(ct));
        app.MapMethods(DashboardRoutes.Base + "/assets/{name}", getOrHead, (string name, HttpRequest request) => DashboardHandlers.Asset(name, request));
        return app;
    }
}
