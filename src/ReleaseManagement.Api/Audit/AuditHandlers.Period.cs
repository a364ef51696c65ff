using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Audit;

namespace ReleaseManagement.Api.Audit;

/// <summary>
/// <c>GET /api/audit?from=YYYY-MM-DD&amp;to=YYYY-MM-DD</c>: for auditors, the rows of every release's (and stream's) audit
/// trail written in a period (UTC days, both included; at most <see cref="MaxPeriodDays"/>), each whole chain checked
/// against its key, its latest checkpoint and the newest whole-trail manifest (<see cref="AuditPeriodExport"/>). The trails
/// read are those the period index marks in the period's months (<see cref="Ports.IAuditActivity"/>, marked before each
/// row, kept write-once beside the checkpoints) and those whose head in the manifest is in the period: a trail whose rows
/// were deleted is listed as broken in the export of any period its rows were in; a broken trail with no row in the period
/// is not read (an export costs what the period's trails cost, not the years of history). The manifest is checked against
/// its seal (<see cref="AuditPeriodView.Manifest"/>). JSON, or CSV (<c>Accept: text/csv</c> or <c>format=csv</c>) with the
/// release id as the first column.
/// </summary>
public sealed partial class AuditHandlers
{
    public const int MaxPeriodDays = 366;

    public async Task<IResult> GetPeriodAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var from = Day(request, "from", errors);
        var to = Day(request, "to", errors);
        if (from is { } f && to is { } t)
        {
            if (t < f)
            {
                errors["to"] = [$"'to' ({t:yyyy-MM-dd}) is before 'from' ({f:yyyy-MM-dd})."];
            }
            else if (t.DayNumber - f.DayNumber + 1 > MaxPeriodDays)
            {
                errors["to"] = [$"A period is at most {MaxPeriodDays} days; ask for several."];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors, "The audit period is not valid.");
        }

        if (NotAPeriodReader(request) is { } forbidden)
        {
            return forbidden;
        }

        var period = await periods.ReadAsync(from!.Value, to!.Value, cancellationToken);
        var found = period.Releases.Select(r => (r.ReleaseId, r.Rows, r.Verification)).ToList();
        foreach (var broken in period.Releases.Where(r => !r.Verification.Verified))
        {
            LogBroken(log, broken.ReleaseId, broken.Verification.FirstBrokenSequence ?? 0, broken.Verification.Problem ?? string.Empty);
        }

        var manifest = period.Manifest;
        var manifestCheck = manifest is null ? null : new AuditManifestCheck(manifest.At, manifest.Heads.Count, manifest.Rows, period.ManifestSealed is true);
        if (manifestCheck is { Sealed: false })
        {
            LogManifestNotSealed(log, manifestCheck.At);
        }

        var verified = period.Verified;
        if (WantsCsv(request))
        {
            request.HttpContext.Response.Headers[VerifiedHeader] = verified ? "true" : "false";
            return Results.Text(PeriodCsv(found), CsvMediaType + "; charset=utf-8", Encoding.UTF8);
        }

        return ApiJson.Json(new AuditPeriodView(from.Value, to.Value, verified, found.Select(f => AuditView.From(f.ReleaseId, f.Rows, f.Verification)).ToArray(), manifestCheck));
    }

    private static DateOnly? Day(HttpRequest request, string name, Dictionary<string, string[]> errors)
    {
        var value = request.Query[name].ToString();
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors[name] = [value.Length == 0 ? $"'{name}' is required (YYYY-MM-DD)." : $"'{value}' is not a date (YYYY-MM-DD)."];
        return null;
    }

    /// <summary>Where sign-in is required, only holders of the policy's audit reader roles (in its directory) may read a period.</summary>
    private IResult? NotAPeriodReader(HttpRequest request)
    {
        if (!approvalOptions.Value.RequireSignedInApprover)
        {
            return null;
        }

        if (AppServicePrincipal.From(request) is not { } principal)
        {
            return Problems.Forbidden("Sign-in required.", "The audit trail needs a signed-in user (App Service authentication).");
        }

        return AuditReaders.Include(policy, principal)
            ? null
            : Problems.Forbidden("Not a reader of the audit trail.", $"{principal.Name} holds none of the roles that may read the audit trail ({string.Join(", ", policy.Audit.ReaderRoles)}).");
    }

    /// <summary>Every listed release's rows as one CSV: the release id and whether its chain verified, then <see cref="CsvColumns"/>.</summary>
    public static string PeriodCsv(IReadOnlyList<(string ReleaseId, IReadOnlyList<AuditRecord> Rows, AuditVerification Verification)> releases)
    {
        ArgumentNullException.ThrowIfNull(releases);
        var csv = new StringBuilder();
        csv.Append("releaseId,verified,").Append(string.Join(',', CsvColumns)).Append("\r\n");
        foreach (var (releaseId, rows, verification) in releases)
        {
            var prefix = Field(releaseId) + "," + (verification.Verified ? "true" : "false") + ",";
            if (rows.Count == 0)
            {
                csv.Append(prefix).Append(new string(',', CsvColumns.Count - 1)).Append("\r\n");
            }

            AppendRows(csv, rows, prefix);
        }

        return csv.ToString();
    }
}

/// <summary>
/// The JSON answer of <c>GET /api/audit</c>: the period, whether every listed release (and the newest whole-trail
/// manifest's seal) verified, each release's rows in it, and the manifest checked (null before the first one is written).
/// </summary>
public sealed record AuditPeriodView(DateOnly From, DateOnly To, bool Verified, IReadOnlyList<AuditView> Releases, AuditManifestCheck? Manifest);

/// <summary>The newest whole-trail manifest: when it was written, how many releases and rows it names, whether its seal verified with this deployment's keys.</summary>
public sealed record AuditManifestCheck(DateTimeOffset At, int Releases, long Rows, bool Sealed);
