using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Audit;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Audit;

/// <summary>
/// <c>GET /api/audit?from=YYYY-MM-DD&amp;to=YYYY-MM-DD</c>: for auditors, the rows of every release's audit trail written
/// in a period (UTC days, both included; at most <see cref="MaxPeriodDays"/>), each release's whole chain checked against
/// its key and latest checkpoint. A release whose check fails is listed whatever its rows' dates, and so is one whose
/// trail is gone while a checkpoint of it is kept (found through <see cref="Ports.IAuditCheckpoints.ReleaseIdsAsync"/>), or
/// while the newest whole-trail manifest (<see cref="AuditManifest"/>, written daily) names it: each release the manifest
/// names is checked against its head there too, and the manifest against its seal (<see cref="AuditPeriodView.Manifest"/>).
/// JSON, or CSV (<c>Accept: text/csv</c> or <c>format=csv</c>) with the release id as the first column.
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

        var start = new DateTimeOffset(from!.Value.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(to!.Value.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        // A release requested after the period has no row in it; one whose record is gone is found by its checkpoints.
        // So is one whose record and own checkpoints are gone too, while the newest whole-trail manifest names it.
        var manifest = await checkpoints.LatestManifestAsync(cancellationToken);
        var manifestHeads = (manifest?.Heads ?? []).ToDictionary(h => h.ReleaseId, StringComparer.Ordinal);
        var ids = (await releases.ListAsync(new ReleaseQuery(Max: int.MaxValue), cancellationToken))
            .Where(r => r.CreatedAt < end)
            .Select(r => r.Request.Id)
            .Concat(await checkpoints.ReleaseIdsAsync(cancellationToken))
            .Concat(manifestHeads.Keys)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        var found = new List<(string ReleaseId, IReadOnlyList<AuditRecord> Rows, AuditVerification Verification)>();
        foreach (var id in ids)
        {
            var checkpoint = await checkpoints.LatestAsync(id, cancellationToken); // before the rows, as in the release's export
            var rows = await trail.ReadAsync(id, cancellationToken);
            var verification = AuditChain.Verify(rows, keys, checkpoint);
            if (verification.Verified && manifestHeads.TryGetValue(id, out var head)
                && AuditChain.Verify(rows, keys, head) is { Verified: false } againstManifest)
            {
                verification = againstManifest with { Problem = $"{againstManifest.Problem} (the whole trail's manifest of {AuditChain.Describe(manifest!.At)} names this head)" };
            }

            var inPeriod = rows.Where(r => r.Entry.At >= start && r.Entry.At < end).ToArray();
            if (inPeriod.Length > 0 || !verification.Verified)
            {
                if (!verification.Verified)
                {
                    LogBroken(log, id, verification.FirstBrokenSequence ?? 0, verification.Problem ?? string.Empty);
                }

                found.Add((id, inPeriod, verification));
            }
        }

        var manifestCheck = manifest is null ? null : new AuditManifestCheck(manifest.At, manifest.Heads.Count, manifest.Rows, manifest.IsSealedBy(keys));
        if (manifestCheck is { Sealed: false })
        {
            LogManifestNotSealed(log, manifestCheck.At);
        }

        var verified = found.TrueForAll(v => v.Verification.Verified) && manifestCheck is null or { Sealed: true };
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
