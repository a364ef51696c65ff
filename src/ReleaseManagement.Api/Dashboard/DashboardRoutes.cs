using System.Globalization;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>
/// The dashboard's addresses. Every page lives under <see cref="Base"/> in both hosts (the Functions app's route prefix is
/// <c>api</c>); the local host also answers <c>/</c> with the board. Links in pages are built here only.
/// </summary>
public static class DashboardRoutes
{
    public const string Base = "/api/dashboard";

    /// <summary>Route templates relative to the <c>api</c> prefix, as the Functions triggers declare them.</summary>
    public const string BoardRoute = "dashboard";
    public const string ReleaseRoute = "dashboard/releases/{id}";
    public const string MilestoneRoute = "dashboard/releases/{id}/milestones";
    public const string EvidenceRoute = "dashboard/releases/{id}/evidence";
    public const string RescheduleRoute = "dashboard/releases/{id}/reschedule";
    public const string CancelRoute = "dashboard/releases/{id}/cancel";
    public const string RollbackRoute = "dashboard/releases/{id}/rollback";

    /// <summary>Retry now or skip (the form's <c>action</c>) of the effect a release waits on during an outage.</summary>
    public const string OutageRoute = "dashboard/releases/{id}/outage";
    public const string ResumeRoute = "dashboard/releases/{id}/resume";
    public const string EnvironmentsRoute = "dashboard/environments";
    public const string CalendarRoute = "dashboard/calendar";
    public const string MetricsRoute = "dashboard/metrics";
    public const string AssetRoute = "dashboard/assets/{name}";
    public const string SignInRoute = "dashboard/sign-in";

    /// <summary>One's own delegations while away: the page and its form (<see cref="DelegationPages"/>).</summary>
    public const string DelegationsRoute = "dashboard/delegations";
    public const string DelegationCancelRoute = "dashboard/delegations/{id}/cancel";

    /// <summary>Every dashboard route template (relative to the <c>api</c> prefix), for the hosts' parity check.</summary>
    public static IReadOnlyList<string> All { get; } = StringConstants.Of(typeof(DashboardRoutes), except: nameof(Base));

    public static string Board => Base;

    public static string Release(string id) => $"{Base}/releases/{Uri.EscapeDataString(id)}";

    /// <summary>The address of a release's form action: <paramref name="route"/> (one of the templates above) for release <paramref name="id"/>.</summary>
    public static string Action(string route, string id) => $"/{ApiRoutes.Prefix}/{route.Replace("{id}", Uri.EscapeDataString(id), StringComparison.Ordinal)}";

    /// <summary>The release notes of a release as a page (<c>GET /api/releases/{id}/notes</c> in HTML).</summary>
    public static string Notes(string id) => $"{Action(ApiRoutes.ReleaseNotes, id)}?format=html";

    /// <summary>The audit trail of a release (<c>GET /api/releases/{id}/audit</c>), as JSON or in another format (<c>csv</c>).</summary>
    public static string Audit(string id, string? format = null) =>
        Action(ApiRoutes.ReleaseAudit, id) + (format is null ? "" : $"?format={Uri.EscapeDataString(format)}");

    public static string Environments => $"{Base}/environments";

    public static string Calendar => $"{Base}/calendar";

    public static string Metrics => $"{Base}/metrics";

    public static string Delegations => $"{Base}/delegations";

    public static string DelegationCancel(string id) => Action(DelegationCancelRoute, id);

    /// <summary>The dev sign-in (Development mode only, <see cref="Auth.DevSignIn"/>).</summary>
    public static string SignIn => $"{Base}/sign-in";

    public static string Asset(string name) => $"{Base}/assets/{Uri.EscapeDataString(name)}";

    /// <summary>The board's address with the filter as query parameters (empty ones left out).</summary>
    public static string BoardWith(BoardFilter filter)
    {
        var parts = new List<string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parts.Add($"{key}={Uri.EscapeDataString(value)}");
            }
        }

        Add("type", filter.Type?.ToString());
        Add("system", filter.System);
        Add("status", filter.Status?.ToString());
        Add("q", filter.Search);
        return parts.Count == 0 ? Base : $"{Base}?{string.Join("&", parts)}";
    }

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
