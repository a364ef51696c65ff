using System.Globalization;
using Microsoft.AspNetCore.Http;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary><c>GET /api/releases</c>: the release list, read from listing partitions whose size does not grow with the years.</summary>
public sealed partial class ReleaseHandlers
{
    /// <summary>Without target dates, the list holds the active releases and those ended in the last this many days.</summary>
    public const int ListEndedWindowDays = 365;

    /// <summary>At most this many days from <c>from</c> to <c>to</c> (a month partition each, so a bounded read).</summary>
    public const int ListMaxTargetRangeDays = 366;

    /// <summary>The most releases one answer holds (<c>max</c>), and how many when <c>max</c> is not given.</summary>
    public const int ListMax = 1000;

    public const int ListDefaultMax = 200;

    /// <summary>
    /// <c>GET /api/releases?status=&amp;type=&amp;system=&amp;from=&amp;to=&amp;max=</c>: the stored releases matching every
    /// filter given, newest first, at most <c>max</c> (default <see cref="ListDefaultMax"/>). Without <c>from</c>/<c>to</c>
    /// (target dates, inclusive) the releases active now and those ended in the last <see cref="ListEndedWindowDays"/>
    /// days; with them, every release targeting those dates (at most <see cref="ListMaxTargetRangeDays"/> days apart).
    /// Read from the listing partitions of the release index and the rows of the releases returned (docs/architecture.md,
    /// "Hot queries"), never from orchestration history.
    /// </summary>
    public async Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var status = Filter<ReleaseStatus>(request, "status", errors);
        var type = Filter<ReleaseType>(request, "type", errors);
        var system = request.Query["system"].ToString().Trim();
        if (system.Length > 100)
        {
            errors.Add("system", "The system filter must be at most 100 characters.");
        }

        var from = Date(request, "from", errors);
        var to = Date(request, "to", errors);
        if (from is { } f && to is { } t && (t < f || t.DayNumber - f.DayNumber > ListMaxTargetRangeDays))
        {
            errors.Add("to", $"'to' must be on or after 'from' and at most {ListMaxTargetRangeDays} days after it.");
        }

        var max = ListDefaultMax;
        var maxText = request.Query["max"].ToString().Trim();
        if (maxText.Length > 0 && (!int.TryParse(maxText, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max < 1 || max > ListMax))
        {
            errors.Add("max", $"'max' must be a whole number from 1 to {ListMax}.");
        }

        if (errors.Any)
        {
            return Problems.Validation(errors.ToDictionary(), "The release filter is invalid.");
        }

        // One date alone reaches a year from it (the store's default), as the documentation says.
        var dated = from is not null || to is not null;
        var query = new ReleaseQuery(status, type, system.Length == 0 ? null : system, max, from, to,
            dated ? null : time.GetUtcNow().AddDays(-ListEndedWindowDays));
        var records = await store.ListAsync(query, cancellationToken);
        return ApiJson.Json(new ReleaseList(records.Count, records.Select(ReleaseSummary.From).ToArray()));
    }

    private static DateOnly? Date(HttpRequest request, string name, ValidationErrors errors)
    {
        var text = request.Query[name].ToString().Trim();
        if (text.Length == 0)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors.Add(name, $"'{(text.Length > 20 ? text[..20] + "…" : text)}' is not a date: use yyyy-MM-dd.");
        return null;
    }
}
