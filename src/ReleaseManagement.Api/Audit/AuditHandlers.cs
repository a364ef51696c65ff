using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Audit;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Audit;

/// <summary>
/// <c>GET /api/releases/{id}/audit</c>: the release's audit trail in order, with the result of checking its hash chain;
/// JSON, or CSV with <c>Accept: text/csv</c> (or <c>?format=csv</c>). Where sign-in is required only members of the
/// policy's <see cref="AuditPolicy.ReaderRoles"/> may read it (403 for others).
/// </summary>
public sealed partial class AuditHandlers(
    IReleaseStore releases,
    IAuditTrail trail,
    IAuditCheckpoints checkpoints,
    AuditPeriodExport periods,
    AuditKeys keys,
    ReleasePolicy policy,
    IOptions<ApprovalOptions> approvalOptions,
    ILogger<AuditHandlers> log)
{
    public const string VerifiedHeader = "X-Audit-Verified";
    public const string FirstBrokenHeader = "X-Audit-First-Broken";
    public const string CsvMediaType = "text/csv";

    /// <summary>The CSV columns, in order.</summary>
    public static readonly IReadOnlyList<string> CsvColumns =
        ["sequence", "at", "action", "by", "signedInAs", "clientAddress", "channel", "rule", "summary", "data", "eventKey", "previousHash", "hash", "keyId"];

    public async Task<IResult> GetAsync(string releaseId, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!ReleaseIds.IsValid(releaseId) || await releases.GetAsync(releaseId, cancellationToken) is not { } record)
        {
            return Problems.UnknownRelease(releaseId);
        }

        if (NotAReader(request, record) is { } forbidden)
        {
            return forbidden;
        }

        // The checkpoint before the rows: an append stores its row, then its checkpoint, so every row a checkpoint read first
        // counts is already stored. Read the other way round, an append landing between the two reads looked like a deleted
        // row ("Row 22 is missing") in a full test run.
        var checkpoint = await checkpoints.LatestAsync(releaseId, cancellationToken);
        var rows = await trail.ReadAsync(releaseId, cancellationToken);
        var verification = AuditChain.Verify(rows, keys, checkpoint);
        if (!verification.Verified)
        {
            LogBroken(log, releaseId, verification.FirstBrokenSequence ?? 0, verification.Problem ?? string.Empty);
        }

        if (WantsCsv(request))
        {
            request.HttpContext.Response.Headers[VerifiedHeader] = verification.Verified ? "true" : "false";
            if (verification.FirstBrokenSequence is { } broken)
            {
                request.HttpContext.Response.Headers[FirstBrokenHeader] = broken.ToString(CultureInfo.InvariantCulture);
            }

            return Results.Text(Csv(rows), CsvMediaType + "; charset=utf-8", Encoding.UTF8);
        }

        return ApiJson.Json(AuditView.From(releaseId, rows, verification));
    }

    private static bool WantsCsv(HttpRequest request) =>
        string.Equals(request.Query["format"].ToString(), "csv", StringComparison.OrdinalIgnoreCase)
        || request.Headers.Accept.Any(a => a is not null && a.Contains(CsvMediaType, StringComparison.OrdinalIgnoreCase));

    private IResult? NotAReader(HttpRequest request, ReleaseRecord record)
    {
        if (!approvalOptions.Value.RequireSignedInApprover)
        {
            return null;
        }

        var principal = AppServicePrincipal.From(request);
        if (principal is null)
        {
            return Problems.Forbidden("Sign-in required.", "The audit trail needs a signed-in user (App Service authentication).");
        }

        if (AuditReaders.Include(policy, principal, record.Request.Systems, record.Request.Approvers))
        {
            return null;
        }

        LogRefused(log, record.Request.Id);
        return Problems.Forbidden(
            "Not a reader of the audit trail.",
            $"{principal.Name} holds none of the roles that may read the audit trail of release '{record.Request.Id}' ({string.Join(", ", policy.Audit.ReaderRoles)}).");
    }

    /// <summary>The rows as CSV (RFC 4180, CRLF), one line per row; the captured policy's own JSON is left out of <c>data</c> (its hash stays).</summary>
    public static string Csv(IReadOnlyList<AuditRecord> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var csv = new StringBuilder();
        csv.Append(string.Join(',', CsvColumns)).Append("\r\n");
        AppendRows(csv, rows, prefix: string.Empty);
        return csv.ToString();
    }

    /// <summary>One CSV line per row, each after <paramref name="prefix"/> (fields already written, with their commas).</summary>
    private static void AppendRows(StringBuilder csv, IEnumerable<AuditRecord> rows, string prefix)
    {
        foreach (var r in rows)
        {
            var e = r.Entry;
            var data = (e.Data ?? new Dictionary<string, string>())
                .Where(d => d.Key != AuditView.PolicyKey)
                .OrderBy(d => d.Key, StringComparer.Ordinal)
                .ToDictionary(d => d.Key, d => d.Value);
            string?[] fields =
            [
                r.Sequence.ToString(CultureInfo.InvariantCulture),
                e.At.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
                e.Action, e.By, e.SignedInAs, e.ClientAddress, e.Channel, e.Rule, e.Summary,
                data.Count == 0 ? "" : JsonSerializer.Serialize(data),
                e.EventKey, r.PreviousHash, r.Hash, r.KeyId,
            ];
            csv.Append(prefix).Append(string.Join(',', fields.Select(Field))).Append("\r\n");
        }
    }

    private static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        // A leading =, +, - or @ would be a formula in a spreadsheet: prefix it with ' (OWASP CSV injection).
        var safe = value[0] is '=' or '+' or '-' or '@' ? "'" + value : value;
        return safe.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : safe;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit trail of release {ReleaseId} does not verify from row {Sequence}: {Problem}")]
    private static partial void LogBroken(ILogger logger, string releaseId, long sequence, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The whole audit trail's manifest of {At} is not sealed with a key of this deployment")]
    private static partial void LogManifestNotSealed(ILogger logger, DateTimeOffset at);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the audit trail of release {ReleaseId} refused: not a reader")]
    private static partial void LogRefused(ILogger logger, string releaseId);
}
