using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>What acting from a page came to: the status to answer and what to tell the person.</summary>
public sealed record ActionOutcome(int StatusCode, string Heading, string Message, string BackUrl);

/// <summary>
/// The dashboard's one way to act: a release manager records a milestone from the release page. The form carries an
/// anti-forgery value (an HMAC under <c>Approvals:FormKey</c> of the release, the signed-in person and the hour), and in
/// Azure (<c>Approvals:RequireSignedInApprover</c>) the person signed in through App Service must be a release manager of
/// the release (403 otherwise). The milestone then goes through <see cref="ReleaseControlHandlers.RecordMilestoneAsync"/>,
/// the same validation, running check and event the API route uses.
/// </summary>
public sealed class DashboardActions(
    ReleaseControlHandlers control, IReleaseStore releases, IOptions<ApprovalOptions> approvals, ReleasePolicy policy, TimeProvider time)
{
    public const string FormField = "form";
    public const long MaxFormBytes = 8 * 1024;

    /// <summary>Whether acting needs an App Service sign-in (as approvals do in Azure).</summary>
    public bool RequiresSignIn => approvals.Value.RequireSignedInApprover;

    /// <summary>The anti-forgery value for a release page shown to <paramref name="request"/>'s person, now.</summary>
    public string FormValue(string releaseId, HttpRequest request) => Value(releaseId, Person(request), Hour(time.GetUtcNow()));

    /// <summary><c>POST /api/dashboard/releases/{id}/milestones</c>.</summary>
    public async Task<ActionOutcome> RecordMilestoneAsync(string releaseId, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var back = DashboardRoutes.Release(releaseId);
        if (request.ContentLength > MaxFormBytes || !request.HasFormContentType)
        {
            return new(StatusCodes.Status400BadRequest, "Not recorded", "Use the form on the release page.", back);
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions { ValueLengthLimit = (int)MaxFormBytes, ValueCountLimit = 10 }, cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return new(StatusCodes.Status400BadRequest, "Not recorded", "The form sent could not be read.", back);
        }

        var person = Person(request);
        if (!IsValid(releaseId, person, form[FormField].ToString()))
        {
            return new(StatusCodes.Status400BadRequest, "Not recorded", "This form is out of date or did not come from the release page. Open the release page again and use its form.", back);
        }

        var by = form["by"].ToString().Trim();
        if (RequiresSignIn)
        {
            if (person is null)
            {
                return new(StatusCodes.Status403Forbidden, "Sign-in required", "Sign in to record a milestone.", back);
            }

            var record = await releases.GetAsync(releaseId, cancellationToken);
            var managers = record is null ? [] : ApproverDirectory.Resolve(policy, record.Request.Systems, record.Request.Approvers)
                .GetValueOrDefault(PolicyRoles.ReleaseManager, []);
            if (!managers.Contains(person, StringComparer.OrdinalIgnoreCase))
            {
                return new(StatusCodes.Status403Forbidden, "Not a release manager", $"{person} is not a release manager of this release; nothing was recorded.", back);
            }

            by = person;
        }

        var note = form["note"].ToString().Trim();
        var result = await control.RecordMilestoneAsync(releaseId, form["milestone"].ToString(), new MilestoneBody(by, note.Length == 0 ? null : note), durable, cancellationToken);
        return result.Result switch
        {
            Accepted<MilestoneAccepted> accepted => new(StatusCodes.Status200OK, "Milestone recorded",
                $"Milestone {accepted.Value!.Milestone} was recorded for {releaseId} by {by}. The release page shows it once the release has taken it in.", back),
            ProblemHttpResult problem => new(problem.StatusCode, "Not recorded", Describe(problem.ProblemDetails), back),
            _ => new(StatusCodes.Status500InternalServerError, "Not recorded", "Unexpected answer.", back),
        };
    }

    private static string Describe(Microsoft.AspNetCore.Mvc.ProblemDetails problem) =>
        problem is HttpValidationProblemDetails v && v.Errors.Count > 0
            ? string.Join(" ", v.Errors.SelectMany(e => e.Value))
            : $"{problem.Title} {problem.Detail}".Trim();

    private static string? Person(HttpRequest request) => AppServicePrincipal.From(request)?.Identities.FirstOrDefault();

    private static long Hour(DateTimeOffset at) => at.ToUnixTimeSeconds() / 3600;

    private bool IsValid(string releaseId, string? person, string value)
    {
        var hour = Hour(time.GetUtcNow());
        var given = Encoding.ASCII.GetBytes(value);
        return new[] { hour, hour - 1 }.Any(h => CryptographicOperations.FixedTimeEquals(given, Encoding.ASCII.GetBytes(Value(releaseId, person, h))));
    }

    private string Value(string releaseId, string? person, long hour)
    {
        var mac = HMACSHA256.HashData(approvals.Value.FormKeyBytes(), Encoding.UTF8.GetBytes($"dashboard-milestone\n{releaseId}\n{person?.ToLowerInvariant()}\n{hour}"));
        return Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
