using System.Globalization;
using Microsoft.AspNetCore.Http;
using ReleaseManagement.Metrics;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Api.Metrics;

/// <summary><c>GET /api/metrics</c> and <c>GET /api/reports/{period}</c>, the same in both hosts.</summary>
public sealed class MetricsHandlers(MetricsService metrics)
{
    public const int MaxDays = 366;

    /// <summary>
    /// Metrics of the local dates [from, to] (inclusive, yyyy-MM-dd, policy time zone), optionally of one system, banded
    /// against <c>doraYear</c> (default: Metrics:DoraYear). Overall and by system, release type and change category.
    /// </summary>
    public async Task<IResult> GetMetricsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var from = Date(request, "from", errors);
        var to = Date(request, "to", errors);
        if (from is { } f && to is { } t && (t < f || t.DayNumber - f.DayNumber + 1 > MaxDays))
        {
            errors["to"] = [$"'to' must be on or after 'from' and the range at most {MaxDays} days."];
        }

        var system = request.Query["system"].ToString() is { Length: > 0 } s ? s.Trim() : null;
        if (system is not null)
        {
            // The policy's own spelling: rollup rows are keyed by it.
            var known = metrics.Policy.Systems.Keys.FirstOrDefault(k => string.Equals(k, system, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                errors["system"] = [$"Unknown system '{system}'; known: {string.Join(", ", metrics.Policy.Systems.Keys)}."];
            }

            system = known;
        }

        var year = DoraYear(request, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors, "The metrics query is not valid.");
        }

        var zone = metrics.Zone;
        var period = new ReportPeriod(PeriodKind.Day, from!.Value, to!.Value.AddDays(1));
        var (start, end) = period.Bounds(zone);
        // The days after the range too (up to today): a rollback or incident there can still fail a deployment in it.
        var attribution = (int)MetricsCalculator.FailureAttributionWindow.TotalDays;
        var facts = await metrics.LoadFactsAsync(from.Value, to.Value.AddDays(1 + attribution), system, cancellationToken);

        var doraYear = year ?? metrics.DefaultDoraYear;
        MetricSegment Segment(string name, MetricFacts slice) => new(name, MetricsCalculator.Compute(slice, start, end, metrics.Policy, doraYear));
        return ApiJson.Json(new
        {
            from = from.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            to = to.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            timeZone = metrics.Policy.TimeZone,
            system,
            doraYear,
            overall = MetricsCalculator.Compute(facts, start, end, metrics.Policy, doraYear),
            bySystem = metrics.Policy.Systems.Keys.Where(k => system is null || string.Equals(k, system, StringComparison.OrdinalIgnoreCase)).Select(k => Segment(k, facts.ForSystem(k))),
            byReleaseType = Enum.GetValues<Releases.ReleaseType>().Select(rt => Segment(rt.ToString(), facts.ForReleaseType(rt))),
            byChangeCategory = Enum.GetValues<ChangeCategory>().Select(c => Segment(c.ToString(), facts.ForChangeCategory(c))),
        });
    }

    /// <summary>
    /// The report of a period (<c>2026-11</c>, <c>2026-Q4</c>, <c>2026-W45</c>): the stored one when there is one, else built
    /// now from the rollups; a stored one is rebuilt first when late events revised a day it was built from (it then says
    /// <c>revised: true</c>, when and why). <c>Accept: text/html</c> gives the HTML document, anything else JSON.
    /// </summary>
    public async Task<IResult> GetReportAsync(string period, HttpRequest request, CancellationToken cancellationToken)
    {
        if (!ReportPeriod.TryParse(period, out var p) || p.Kind == PeriodKind.Day)
        {
            return Problems.BadRequest("Unknown report period.", $"'{period}' is not a period: use a month (2026-11), a quarter (2026-Q4) or an ISO week (2026-W45).");
        }

        var errors = new Dictionary<string, string[]>();
        var year = DoraYear(request, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors, "The report query is not valid.");
        }

        if (p.Start > metrics.Today)
        {
            return Problems.NotFound("No report yet.", $"{p.Label} has not started.");
        }

        // A stored report one of whose days a late event revised is rebuilt (and flagged revised) here.
        var stored = year is null ? await metrics.GetStoredReportAsync(p, cancellationToken) : null;
        var report = stored?.Report ?? await metrics.BuildReportAsync(p, doraYear: year, cancellationToken: cancellationToken);
        var accept = request.Headers.Accept.ToString();
        if (accept.Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            return Results.Content(ReportRenderer.Html(report), "text/html; charset=utf-8");
        }

        return ApiJson.Json(report);
    }

    private static DateOnly? Date(HttpRequest request, string name, Dictionary<string, string[]> errors)
    {
        var text = request.Query[name].ToString();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors[name] = [text.Length == 0 ? $"'{name}' is required (yyyy-MM-dd)." : $"'{text}' is not a date (yyyy-MM-dd)."];
        return null;
    }

    private static int? DoraYear(HttpRequest request, Dictionary<string, string[]> errors)
    {
        var text = request.Query["doraYear"].ToString();
        if (text.Length == 0)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && DoraBands.IsKnownYear(year))
        {
            return year;
        }

        errors["doraYear"] = [$"'{text}' is not a DORA report year with known clusters ({string.Join(", ", DoraBands.Years)})."];
        return null;
    }
}
