using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using ReleaseManagement.Api.Dashboard.Components;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>
/// The dashboard's routes, shared by both hosts. Each reads through <see cref="DashboardReader"/>, builds a view with a
/// plain function and renders a component. A request from htmx (header <c>HX-Request</c>) gets the page's live part only.
/// </summary>
public sealed class DashboardHandlers(
    DashboardReader reader, DashboardActions actions, Feedback.FeedbackHandlers feedback, ReleaseManagement.Objectives.ObjectiveService objectives, PipelineSimulator? simulator = null)
{
    /// <summary><c>GET /api/dashboard</c> (and <c>/</c> on the local host): the board, filtered by the query string.</summary>
    public async Task<IResult> BoardAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var filter = BoardFilter.Parse(request.Query, out var problems);
        var records = await reader.ListReleasesAsync(cancellationToken);
        var view = BoardView.Build(reader.CurrentPolicy, records, filter, problems, reader.PolicySystems, reader.Format, reader.Now);
        return IsFragment(request) ? DashboardPage.Fragment<BoardLive>(view) : DashboardPage.Page<BoardPage>(view);
    }

    /// <summary>
    /// <c>GET /api/dashboard/releases/{id}</c>: one release, with its forms while it is active (and the notice of an action
    /// just accepted, <c>?done=</c>); a page saying so (404) when there is none.
    /// </summary>
    public Task<IResult> ReleaseAsync(string id, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken) =>
        ReleasePageAsync(id, request, durable, null, request.Query[ReleaseForms.DoneParameter].ToString(), cancellationToken);

    /// <summary><c>POST /api/dashboard/releases/{id}/milestones</c>: a release manager records a milestone from the release page.</summary>
    public Task<IResult> RecordMilestoneAsync(string id, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken) =>
        AnswerAsync(id, request, durable, actions.RecordMilestoneAsync(id, request, durable, cancellationToken), cancellationToken);

    /// <summary><c>POST /api/dashboard/releases/{id}/evidence</c>: evidence, an attestation or a waiver from the release page.</summary>
    public Task<IResult> RecordEvidenceAsync(string id, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken) =>
        AnswerAsync(id, request, durable, actions.RecordEvidenceAsync(id, request, durable, cancellationToken), cancellationToken);

    /// <summary><c>POST /api/dashboard/releases/{id}/reschedule</c>: a release manager moves the target date from the release page.</summary>
    public Task<IResult> RescheduleAsync(string id, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken) =>
        AnswerAsync(id, request, durable, actions.RescheduleAsync(id, request, durable, cancellationToken), cancellationToken);

    /// <summary><c>POST /api/dashboard/releases/{id}/cancel</c>: a release manager cancels the release from the release page.</summary>
    public Task<IResult> CancelAsync(string id, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken) =>
        AnswerAsync(id, request, durable, actions.CancelAsync(id, request, durable, cancellationToken), cancellationToken);

    public Task<IResult> RollbackAsync(string id, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken) =>
        AnswerAsync(id, request, durable, actions.RollbackAsync(id, request, durable, cancellationToken), cancellationToken);

    /// <summary><c>POST /api/dashboard/releases/{id}/outage</c>: a release manager has the effect a release waits on tried again now, or skips it.</summary>
    public Task<IResult> OutageDecisionAsync(string id, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken) =>
        AnswerAsync(id, request, durable, actions.OutageDecisionAsync(id, request, durable, cancellationToken), cancellationToken);

    /// <summary><c>POST /api/dashboard/releases/{id}/resume</c>: a release manager resumes a stranded release.</summary>
    public Task<IResult> ResumeAsync(string id, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken) =>
        AnswerAsync(id, request, durable, actions.ResumeAsync(id, request, durable, cancellationToken), cancellationToken);

    /// <summary>An accepted action: 303 back to the release page, which says so. A refused one: the release page again, with the problem.</summary>
    private async Task<IResult> AnswerAsync(string id, HttpRequest request, DurableTaskClient durable, Task<ActionOutcome> acting, CancellationToken cancellationToken)
    {
        var outcome = await acting;
        return outcome.Succeeded
            ? new SeeOther(outcome.BackUrl)
            : await ReleasePageAsync(id, request, durable, outcome, null, cancellationToken);
    }

    private async Task<IResult> ReleasePageAsync(
        string id, HttpRequest request, DurableTaskClient? durable, ActionOutcome? outcome, string? done, CancellationToken cancellationToken)
    {
        var detail = await reader.GetReleaseAsync(id, cancellationToken);
        if (detail is null)
        {
            return DashboardPage.Page<NotFoundPage>(new NotFoundView(id, reader.Format.Zone.Id), StatusCodes.Status404NotFound);
        }

        var view = ReleasePageView.Build(detail, reader.Format, reader.Now) with
        {
            Simulator = simulator?.View(detail, request),
            Satisfaction = await feedback.ViewAsync(detail.Record, detail.Policy, request, reader.Format, cancellationToken),
            Objectives = (await objectives.StandingsAsync(detail.Record, detail.Policy, cancellationToken)).Select(o => ObjectiveRow.Of(o, reader.Format)).ToArray(),
        };
        if (IsFragment(request))
        {
            return DashboardPage.Fragment<ReleaseLive>(view);
        }

        var controls = actions.MayControl(detail.Record, detail.Policy, request) && durable is not null && detail.Record.Status == ReleaseManagement.Releases.ReleaseStatus.Active
            ? new ReleaseControls(OutageDecisionHandler.OutageOf(await durable.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken)), MayAct: true)
            : null;
        var forms = ReleaseForms.Build(detail.Record, detail.Policy, actions.Context(id, request), outcome, string.IsNullOrEmpty(done) ? null : done, controls);
        return DashboardPage.Page<ReleasePage>(view with { Actions = forms }, outcome?.StatusCode ?? StatusCodes.Status200OK);
    }

    /// <summary><c>GET /api/dashboard/environments</c>: systems × environments from the cells' current state (<see cref="DashboardReader.EnvironmentsAsync"/>).</summary>
    public async Task<IResult> EnvironmentsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var view = await reader.EnvironmentsAsync(cancellationToken);
        return IsFragment(request) ? DashboardPage.Fragment<EnvironmentsLive>(view) : DashboardPage.Page<EnvironmentsPage>(view);
    }

    /// <summary><c>GET /api/dashboard/calendar</c>: the next eight weeks in the policy time zone (active releases only).</summary>
    public async Task<IResult> CalendarAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var records = await reader.ListActiveAsync(cancellationToken);
        var policies = await reader.PoliciesOfAsync(records.Where(r => r.Status == ReleaseManagement.Releases.ReleaseStatus.Active), cancellationToken);
        var view = CalendarView.Build(reader.CurrentPolicy, records, r => policies[r.Request.Id], reader.Format, reader.Now);
        return IsFragment(request) ? DashboardPage.Fragment<CalendarLive>(view) : DashboardPage.Page<CalendarPage>(view);
    }

    /// <summary><c>GET /api/dashboard/metrics</c>: the current month and quarter, with trends and links to the reports.</summary>
    public async Task<IResult> MetricsAsync(CancellationToken cancellationToken)
    {
        var data = await reader.CurrentReportsAsync(cancellationToken);
        return DashboardPage.Page<MetricsPage>(MetricsView.Build(data, reader.CurrentPolicy.MetricTargets, reader.Format, reader.Now));
    }

    /// <summary><c>GET /api/dashboard/assets/{name}</c>: the stylesheet and the vendored script.</summary>
    public static IResult Asset(string name, HttpRequest request) => DashboardAssets.Serve(name, request);

    private static bool IsFragment(HttpRequest request) =>
        string.Equals(request.Headers["HX-Request"].ToString(), "true", StringComparison.OrdinalIgnoreCase);
}

/// <summary>303 See Other: after an accepted form, the browser asks for the release page again (a reload does not post twice).</summary>
public sealed class SeeOther(string location) : IResult
{
    public string Location => location;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
        httpContext.Response.Headers.Location = location;
        httpContext.Response.Headers.CacheControl = "no-store";
        return Task.CompletedTask;
    }
}

/// <summary>What the not-found page says.</summary>
public sealed record NotFoundView(string Id, string TimeZone);
