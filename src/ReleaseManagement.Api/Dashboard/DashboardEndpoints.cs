using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>
/// The dashboard's routes on an ASP.NET Core host (the local host); the Functions app declares the same as triggers. The
/// forms carry the dashboard's own anti-forgery value (<see cref="DashboardActions"/>), so ASP.NET Core's is not used.
/// </summary>
public static class DashboardEndpoints
{
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app, bool atRoot)
    {
        string[] getOrHead = [HttpMethods.Get, HttpMethods.Head];
        if (atRoot)
        {
            app.MapMethods("/", getOrHead, (HttpRequest request, DashboardHandlers pages, CancellationToken ct) => pages.BoardAsync(request, ct));
        }

        app.MapMethods(Path(DashboardRoutes.BoardRoute), getOrHead, (HttpRequest request, DashboardHandlers pages, CancellationToken ct) => pages.BoardAsync(request, ct));
        app.MapMethods(Path(DashboardRoutes.ReleaseRoute), getOrHead, (string id, HttpRequest request, DurableTaskClient durable, DashboardHandlers pages, CancellationToken ct) =>
            pages.ReleaseAsync(id, request, durable, ct));
        app.MapPost(Path(DashboardRoutes.MilestoneRoute), (string id, HttpRequest request, DurableTaskClient durable, DashboardHandlers pages, CancellationToken ct) =>
            pages.RecordMilestoneAsync(id, request, durable, ct)).DisableAntiforgery();
        app.MapPost(Path(DashboardRoutes.EvidenceRoute), (string id, HttpRequest request, DurableTaskClient durable, DashboardHandlers pages, CancellationToken ct) =>
            pages.RecordEvidenceAsync(id, request, durable, ct)).DisableAntiforgery();
        app.MapPost(Path(DashboardRoutes.RescheduleRoute), (string id, HttpRequest request, DurableTaskClient durable, DashboardHandlers pages, CancellationToken ct) =>
            pages.RescheduleAsync(id, request, durable, ct)).DisableAntiforgery();
        app.MapPost(Path(DashboardRoutes.CancelRoute), (string id, HttpRequest request, DurableTaskClient durable, DashboardHandlers pages, CancellationToken ct) =>
            pages.CancelAsync(id, request, durable, ct)).DisableAntiforgery();
        app.MapPost(Path(DashboardRoutes.RollbackRoute), (string id, HttpRequest request, DurableTaskClient durable, DashboardHandlers pages, CancellationToken ct) =>
            pages.RollbackAsync(id, request, durable, ct)).DisableAntiforgery();
        app.MapPost(Path(DashboardRoutes.OutageRoute), (string id, HttpRequest request, DurableTaskClient durable, DashboardHandlers pages, CancellationToken ct) =>
            pages.OutageDecisionAsync(id, request, durable, ct)).DisableAntiforgery();
        app.MapPost(Path(DashboardRoutes.ResumeRoute), (string id, HttpRequest request, DurableTaskClient durable, DashboardHandlers pages, CancellationToken ct) =>
            pages.ResumeAsync(id, request, durable, ct)).DisableAntiforgery();
        app.MapMethods(Path(DashboardRoutes.EnvironmentsRoute), getOrHead, (HttpRequest request, DashboardHandlers pages, CancellationToken ct) => pages.EnvironmentsAsync(request, ct));
        app.MapMethods(Path(DashboardRoutes.CalendarRoute), getOrHead, (HttpRequest request, DashboardHandlers pages, CancellationToken ct) => pages.CalendarAsync(request, ct));
        app.MapMethods(Path(DashboardRoutes.MetricsRoute), getOrHead, (DashboardHandlers pages, CancellationToken ct) => pages.MetricsAsync(ct));
        app.MapMethods(Path(DashboardRoutes.AssetRoute), getOrHead, (string name, HttpRequest request) => DashboardHandlers.Asset(name, request));
        app.MapMethods(Path(DashboardRoutes.DelegationsRoute), getOrHead, (HttpRequest request, DelegationPages pages, CancellationToken ct) => pages.ShowAsync(request, ct));
        app.MapPost(Path(DashboardRoutes.DelegationsRoute), (HttpRequest request, DelegationPages pages, CancellationToken ct) => pages.CreateAsync(request, ct))
            .DisableAntiforgery();
        app.MapPost(Path(DashboardRoutes.DelegationCancelRoute), (string id, HttpRequest request, DelegationPages pages, CancellationToken ct) =>
            pages.CancelAsync(id, request, ct)).DisableAntiforgery();
        app.MapMethods(Path(DashboardRoutes.SignInRoute), getOrHead, (HttpRequest request, Auth.DevSignIn signIn) => signIn.Show(request));
        app.MapPost(Path(DashboardRoutes.SignInRoute), (HttpRequest request, Auth.DevSignIn signIn, CancellationToken ct) => signIn.SignInAsync(request, ct))
            .DisableAntiforgery();
        return app;
    }

    private static string Path(string route) => $"/{ApiRoutes.Prefix}/{route}";
}
