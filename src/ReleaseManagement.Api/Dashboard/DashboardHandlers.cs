using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using ReleaseManagement.Api.Dashboard.Components;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>
/// The dashboard's routes, shared by both hosts. Each reads through <see cref="DashboardReader"/>, builds a view with a
/// plain function and renders a component. A request from htmx (header <c>HX-Request</c>) gets the page's live part only.
/// </summary>
public sealed class DashboardHandlers(DashboardReader reader, DashboardActions actions)
{
    /// <summary><c>GET /api/dashboard</c> (and <c>/</c> on the local host): the board, filtered by the query string.</summary>
    public async Task<IResult> BoardAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var filter = BoardFilter.Parse(request.Query, out var problems);
        var records = await reader.ListReleasesAsync(cancellationToken);
        var view = BoardView.Build(records, filter, problems, reader.PolicySystems, reader.Format, reader.Now);
        return IsFragment(request) ? DashboardPage.Fragment<BoardLive>(view) : DashboardPage.Page<BoardPage>(view);
    }

    /// <summary><c>GET /api/dashboard/releases/{id}</c>: one release; a page saying so (404) when there is none.</summary>
    public async Task<IResult> ReleaseAsync(string id, HttpRequest request, CancellationToken cancellationToken)
    {
        var detail = await reader.GetReleaseAsync(id, cancellationToken);
        if (detail is null)
        {
            return DashboardPage.Page<NotFoundPage>(new NotFoundView(id, reader.Format.Zone.Id), StatusCodes.Status404NotFound);
        }

        var view = ReleasePageView.Build(detail, reader.Policy, reader.Format, reader.Now);
        if (IsFragment(request))
        {
            return DashboardPage.Fragment<ReleaseLive>(view);
        }

        var form = view.Header.IsActive
            ? new MilestoneForm(DashboardRoutes.Release(id) + "/milestones", reader.Policy.Promotion.Milestones, DashboardActions.FormField, actions.FormValue(id, request), !actions.RequiresSignIn)
            : null;
        return DashboardPage.Page<ReleasePage>(view with { Form = form });
    }

    /// <summary><c>POST /api/dashboard/releases/{id}/milestones</c>: a release manager records a milestone from the release page.</summary>
    public async Task<IResult> RecordMilestoneAsync(string id, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var outcome = await actions.RecordMilestoneAsync(id, request, durable, cancellationToken);
        return DashboardPage.Page<ActionPage>(new ActionView(outcome, reader.Format.Zone.Id), outcome.StatusCode);
    }

    /// <summary><c>GET /api/dashboard/environments</c>: systems × environments from the stored deployment events.</summary>
    public async Task<IResult> EnvironmentsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (events, releases) = await reader.ListDeploymentsAsync(cancellationToken);
        var now = reader.Now;
        var view = EnvironmentsView.Build(events, releases, reader.PolicySystems, reader.Format, now - DashboardReader.DeploymentLookback, now);
        return IsFragment(request) ? DashboardPage.Fragment<EnvironmentsLive>(view) : DashboardPage.Page<EnvironmentsPage>(view);
    }

    /// <summary><c>GET /api/dashboard/calendar</c>: the next eight weeks in the policy time zone.</summary>
    public async Task<IResult> CalendarAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var records = await reader.ListReleasesAsync(cancellationToken);
        var view = CalendarView.Build(reader.Policy, records, reader.Format, reader.Now);
        return IsFragment(request) ? DashboardPage.Fragment<CalendarLive>(view) : DashboardPage.Page<CalendarPage>(view);
    }

    /// <summary><c>GET /api/dashboard/metrics</c>: the current month and quarter, with trends and links to the reports.</summary>
    public async Task<IResult> MetricsAsync(CancellationToken cancellationToken)
    {
        var reports = await reader.CurrentReportsAsync(cancellationToken);
        return DashboardPage.Page<MetricsPage>(MetricsView.Build(reports, reader.Policy.MetricTargets, reader.Format, reader.Now));
    }

    /// <summary><c>GET /api/dashboard/assets/{name}</c>: the stylesheet and the vendored script.</summary>
    public static IResult Asset(string name, HttpRequest request) => DashboardAssets.Serve(name, request);

    private static bool IsFragment(HttpRequest request) =>
        string.Equals(request.Headers["HX-Request"].ToString(), "true", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The page answering a form.</summary>
public sealed record ActionView(ActionOutcome Outcome, string TimeZone);

/// <summary>The release page's milestone form (outside its live part, so a refresh never clears what is typed).</summary>
public sealed record MilestoneForm(string Action, IReadOnlyList<string> Milestones, string FormField, string FormValue, bool AsksWho);

/// <summary>What the not-found page says.</summary>
public sealed record NotFoundView(string Id, string TimeZone);
