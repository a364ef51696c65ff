using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Audit;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>
/// What acting from the release page came to: 303 to <paramref name="BackUrl"/> when accepted, else the status to answer
/// with the release page showing <paramref name="Message"/>, the problems per field and what was sent (<see cref="Values"/>).
/// </summary>
public sealed record ActionOutcome(int StatusCode, string Heading, string Message, string BackUrl)
{
    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();
    private static readonly IReadOnlyDictionary<string, string> NoValues = new Dictionary<string, string>();

    /// <summary>The problem in short, for the form (its field problems are shown by the fields); the message by default.</summary>
    public string? Summary { get; init; }

    /// <summary>The form the action came from (<see cref="ReleaseForms"/>' names).</summary>
    public string? Form { get; init; }

    /// <summary>The problems per field (the API's validation errors, keyed by its field names, which the forms share).</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; init; } = NoErrors;

    /// <summary>What was sent, to fill the form again.</summary>
    public IReadOnlyDictionary<string, string> Values { get; init; } = NoValues;

    public bool Succeeded => StatusCode is >= 200 and < 400;
}

/// <summary>
/// The release page's actions: record a milestone, evidence, an attestation or a waiver; reschedule; cancel. Each form
/// carries an anti-forgery value (an HMAC under <c>Approvals:FormKey</c> of the release, the signed-in person and the hour).
/// In Azure (<c>Approvals:RequireSignedInApprover</c>) acting needs a sign-in, and each form is judged first by the
/// permission table its API route asks (<see cref="ReleasePermissions"/>: a milestone by a technical lead or a release
/// manager, reschedule and cancel by a release manager and by the requester until the plan is approved, rollback by a
/// release manager; 403 otherwise, under the policy the release runs under); evidence typed in, an attestation or a waiver
/// is judged by the API's handler alone (<see cref="GateEntitlement"/>: the item's roles). Then each goes through the API route's own handler
/// (<see cref="MilestoneHandler"/>, <see cref="EvidenceHandler"/>, <see cref="RescheduleHandler"/>, <see cref="CancelHandler"/>,
/// <see cref="RollbackHandler"/>: the same validation, running check, role checks and event), so the page and the
/// API follow the same rules; nothing is stored unless that handler accepts it.
/// </summary>
public sealed class DashboardActions(
    MilestoneHandler milestones,
    EvidenceHandler evidence,
    RescheduleHandler reschedule,
    CancelHandler cancel,
    RollbackHandler rollback,
    OutageDecisionHandler outage,
    ResumeHandler resume,
    IReleaseStore releases, IOptions<ApprovalOptions> approvals, ReleasePolicies policies, TimeProvider time)
{
    public const string FormField = "form";
    public const long MaxFormBytes = 8 * 1024;

    /// <summary>Whether acting needs an App Service sign-in (as approvals do in Azure).</summary>
    public bool RequiresSignIn => approvals.Value.RequireSignedInApprover;

    /// <summary>The anti-forgery value for a release page shown to <paramref name="request"/>'s person, now.</summary>
    public string FormValue(string releaseId, HttpRequest request) => Value(releaseId, Person(request), Hour(time.GetUtcNow()));

    /// <summary>What every form of the release page carries for <paramref name="request"/>'s person (a signed-in person is not asked who they are).</summary>
    public FormContext Context(string releaseId, HttpRequest request) => new(FormField, FormValue(releaseId, request), !RequiresSignIn && Person(request) is null);

    /// <summary>Whether <paramref name="value"/> is the anti-forgery value of a release page shown to <paramref name="request"/>'s person (this hour or the last).</summary>
    public bool IsGenuine(string releaseId, HttpRequest request, string? value) => IsValid(releaseId, Person(request), value ?? "");

    /// <summary><c>POST /api/dashboard/releases/{id}/milestones</c>.</summary>
    public Task<ActionOutcome> RecordMilestoneAsync(string releaseId, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken) =>
        ActAsync(releaseId, request, _ => ReleaseForms.Milestone, async (form, by) =>
            (await milestones.RecordMilestoneAsync(releaseId, form.Text("milestone") ?? "", new MilestoneBody(by, form.Text("note")), AppServicePrincipal.From(request), durable, cancellationToken,
                AuditOrigin.From(form.Request, AuditChannels.Page))).Result,
            cancellationToken);

    /// <summary><c>POST /api/dashboard/releases/{id}/evidence</c>: evidence, an attestation or a waiver (the form's <c>kind</c>).</summary>
    public Task<ActionOutcome> RecordEvidenceAsync(string releaseId, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken) =>
        ActAsync(releaseId, request, form => form.Text(ReleaseForms.EvidenceField.Kind) switch
            {
                EvidenceKinds.Attestation => ReleaseForms.Attestation,
                EvidenceKinds.Waiver => ReleaseForms.Waiver,
                EvidenceKinds.Document => ReleaseForms.Document,
                EvidenceKinds.KnownIssue => ReleaseForms.KnownIssue,
                _ => ReleaseForms.Evidence,
            },
            async (form, by) =>
            {
                var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
                var body = new EvidenceBody(
                    form.Text(ReleaseForms.EvidenceField.Item),
                    form.Text(ReleaseForms.EvidenceField.Kind),
                    by,
                    form.Flag(ReleaseForms.EvidenceField.Approved, errors),
                    form.Flag(ReleaseForms.EvidenceField.Passed, errors),
                    form.Number(ReleaseForms.EvidenceField.Value, errors),
                    form.Text(ReleaseForms.EvidenceField.Reason),
                    form.Text("note"),
                    Url: form.Text(ReleaseForms.EvidenceField.Url),
                    Title: form.Text(ReleaseForms.EvidenceField.Title));
                return errors.Count > 0
                    ? Problems.Validation(errors, "The form could not be read.")
                    : (await evidence.RecordEvidenceAsync(releaseId, body, form.Request, durable, cancellationToken, AuditChannels.Page)).Result;
            },
            cancellationToken);

    /// <summary><c>POST /api/dashboard/releases/{id}/reschedule</c>.</summary>
    public Task<ActionOutcome> RescheduleAsync(string releaseId, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken) =>
        ActAsync(releaseId, request, _ => ReleaseForms.Reschedule, async (form, by) =>
            (await reschedule.SubmitRescheduleAsync(releaseId, new RescheduleBody(form.Text("targetDate"), by, form.Text("reason")),
                AppServicePrincipal.From(request), AuditOrigin.From(form.Request, AuditChannels.Page), durable, cancellationToken)).Result,
            cancellationToken);

    /// <summary><c>POST /api/dashboard/releases/{id}/cancel</c>: only with the form's confirmation box ticked.</summary>
    public Task<ActionOutcome> CancelAsync(string releaseId, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken) =>
        ActAsync(releaseId, request, _ => ReleaseForms.Cancel, async (form, by) =>
            form.Text("confirm") != ReleaseForms.Confirmed
                ? Problems.Validation(new Dictionary<string, string[]> { ["confirm"] = ["Tick the box to confirm that the release is to be cancelled."] }, "Not confirmed.")
                : (await cancel.SubmitCancelAsync(releaseId, new CancelBody(form.Text("reason"), by), AppServicePrincipal.From(request), AuditOrigin.From(form.Request, AuditChannels.Page), durable, cancellationToken)).Result,
            cancellationToken);

    /// <summary><c>POST /api/dashboard/releases/{id}/rollback</c>: only with the form's confirmation box ticked.</summary>
    public Task<ActionOutcome> RollbackAsync(string releaseId, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken) =>
        ActAsync(releaseId, request, _ => ReleaseForms.Rollback, async (form, by) =>
            form.Text("confirm") != ReleaseForms.Confirmed
                ? Problems.Validation(new Dictionary<string, string[]> { ["confirm"] = ["Tick the box to confirm that the deployment is to be rolled back."] }, "Not confirmed.")
                : (await rollback.RequestRollbackAsync(releaseId, new RollbackBody(by, form.Text("reason"), form.Text("environment")),
                    AppServicePrincipal.From(request), AuditOrigin.From(form.Request, AuditChannels.Page), durable, cancellationToken)).Result,
            cancellationToken);

    /// <summary><c>POST /api/dashboard/releases/{id}/outage</c>: retry now, or skip (the form's <c>action</c>), through <see cref="OutageDecisionHandler"/>.</summary>
    public Task<ActionOutcome> OutageDecisionAsync(string releaseId, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken) =>
        ActAsync(releaseId, request, form => form.Text("action") == ReleaseForms.Skip ? ReleaseForms.Skip : ReleaseForms.Retry, async (form, by) =>
            (await outage.OutageDecisionAsync(releaseId, form.Text("action") == ReleaseForms.Skip ? Orchestration.OutageAction.Skip : Orchestration.OutageAction.Retry,
                new OutageDecisionBody(by, form.Text("reason")), AppServicePrincipal.From(request), AuditOrigin.From(form.Request, AuditChannels.Page), durable,
                cancellationToken)).Result,
            cancellationToken);

    /// <summary><c>POST /api/dashboard/releases/{id}/resume</c>: resumes a stranded release through <see cref="ResumeHandler"/>.</summary>
    public Task<ActionOutcome> ResumeAsync(string releaseId, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken) =>
        ActAsync(releaseId, request, _ => ReleaseForms.Resume, async (form, by) =>
            (await resume.ResumeAsync(releaseId, new OutageDecisionBody(by, form.Text("reason")), AppServicePrincipal.From(request),
                AuditOrigin.From(form.Request, AuditChannels.Page), durable, cancellationToken)).Result,
            cancellationToken);

    /// <summary>
    /// Whether <paramref name="request"/>'s person may see the outage controls of <paramref name="release"/> (retry, skip,
    /// resume: <see cref="ReleasePermissions"/> under <paramref name="releasePolicy"/>, the policy the release runs under,
    /// with the roles the person's sign-in claims grant).
    /// </summary>
    public bool MayControl(ReleaseRecord release, ReleasePolicy releasePolicy, HttpRequest request) =>
        !RequiresSignIn || (Person(request) is { } person
            && ReleasePermissions.Check(releasePolicy, ReleaseActions.Retry, release, person, Auth.ClaimedRoles.Of(releasePolicy, AppServicePrincipal.From(request), person)).Allowed);

    /// <summary>
    /// The steps every form takes: read the form, check its anti-forgery value, then (sign-in on) the person and their role;
    /// only then hand it to <paramref name="submit"/> (the API handler, with the person acting as <c>by</c>).
    /// </summary>
    private async Task<ActionOutcome> ActAsync(
        string releaseId, HttpRequest request, Func<SentForm, string> formName, Func<SentForm, string?, Task<IResult>> submit, CancellationToken cancellationToken)
    {
        var back = DashboardRoutes.Release(releaseId);
        if (request.ContentLength > MaxFormBytes || !request.HasFormContentType)
        {
            return new(StatusCodes.Status400BadRequest, "Not recorded", "Use the forms on the release page.", back);
        }

        SentForm form;
        try
        {
            form = new SentForm(request, await request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions { ValueLengthLimit = (int)MaxFormBytes, ValueCountLimit = 20 }, cancellationToken));
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return new(StatusCodes.Status400BadRequest, "Not recorded", "The form sent could not be read.", back);
        }

        var name = formName(form);
        ActionOutcome Refused(int status, string heading, string message, IReadOnlyDictionary<string, string[]>? errors = null, string? summary = null) =>
            new(status, heading, message, back) { Form = name, Summary = summary, Values = form.Values(except: FormField), Errors = errors ?? new Dictionary<string, string[]>() };

        var person = Person(request);
        if (!IsValid(releaseId, person, form.Text(FormField) ?? ""))
        {
            return Refused(StatusCodes.Status400BadRequest, "Not recorded", "This form is out of date or did not come from the release page. Check what you entered and send it again.");
        }

        var by = Auth.Actor.Resolve(request, form.Text("by"), "by", out var notThem);
        if (notThem is not null)
        {
            return Refused(StatusCodes.Status403Forbidden, "Not recorded", Describe(notThem.ProblemDetails));
        }

        if (RequiresSignIn)
        {
            if (person is null)
            {
                return Refused(StatusCodes.Status403Forbidden, "Sign-in required", "Sign in to act on a release; nothing was recorded.");
            }

            // Before anything else is read: the permission table (ReleasePermissions) that the form's handler asks again; an
            // attestation, a waiver or evidence typed in is judged by its handler alone (GateEntitlement: the item's roles).
            if (name is not (ReleaseForms.Attestation or ReleaseForms.Waiver or ReleaseForms.Evidence)
                && await RefusalAsync(releaseId, name, person, AppServicePrincipal.From(request), cancellationToken) is { } why)
            {
                return Refused(StatusCodes.Status403Forbidden, "Not allowed", $"{why} Nothing was recorded.");
            }

            by = person;
        }

        var result = await submit(form, by);
        return result switch
        {
            ProblemHttpResult problem => Refused(problem.StatusCode, "Not recorded", Describe(problem.ProblemDetails),
                (problem.ProblemDetails as HttpValidationProblemDetails)?.Errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal),
                problem.ProblemDetails is HttpValidationProblemDetails { Errors.Count: > 0 } ? problem.ProblemDetails.Title : null),
            IStatusCodeHttpResult { StatusCode: StatusCodes.Status202Accepted } =>
                new(StatusCodes.Status303SeeOther, "Done", ReleaseForms.DoneMessages[name], ReleaseForms.DoneUrl(releaseId, name)) { Form = name },
            _ => Refused(StatusCodes.Status500InternalServerError, "Not recorded", "Unexpected answer."),
        };
    }

    /// <summary>
    /// Why <paramref name="person"/> may not send form <paramref name="form"/> for the release, by the permission table of
    /// the policy the release runs under (as its API route judges it); null when they may.
    /// </summary>
    private async Task<string?> RefusalAsync(string releaseId, string form, string person, AppServicePrincipal? principal, CancellationToken cancellationToken)
    {
        var record = await releases.GetAsync(releaseId, cancellationToken);
        if (record is null)
        {
            return $"Release '{releaseId}' is unknown.";
        }

        var releasePolicy = await policies.ForAsync(record, cancellationToken);
        var verdict = ReleasePermissions.Check(releasePolicy, form, record, person, Auth.ClaimedRoles.Of(releasePolicy, principal, person));
        return verdict.Allowed ? null : verdict.Reason;
    }

    private static string Describe(Microsoft.AspNetCore.Mvc.ProblemDetails problem) =>
        problem is HttpValidationProblemDetails { Errors.Count: > 0 } v
            ? $"{problem.Title} {string.Join(" ", v.Errors.SelectMany(e => e.Value))}".Trim()
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
        var mac = HMACSHA256.HashData(approvals.Value.FormKeyBytes(), Encoding.UTF8.GetBytes($"dashboard-form\n{releaseId}\n{person?.ToLowerInvariant()}\n{hour}"));
        return Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>A posted form: its fields as the API's body fields (empty means not given).</summary>
    private sealed record SentForm(HttpRequest Request, IFormCollection Fields)
    {
        public string? Text(string name) => Fields[name].ToString().Trim() is { Length: > 0 } text ? text : null;

        public bool? Flag(string name, Dictionary<string, string[]> errors) => Text(name) switch
        {
            null => null,
            "true" => true,
            "false" => false,
            var other => Fail<bool?>(errors, name, $"'{other}' is neither true nor false."),
        };

        public decimal? Number(string name, Dictionary<string, string[]> errors) => Text(name) switch
        {
            null => null,
            var text when decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var number) => number,
            var other => Fail<decimal?>(errors, name, $"'{other}' is not a number."),
        };

        public IReadOnlyDictionary<string, string> Values(string except) =>
            Fields.Where(f => f.Key != except).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);

        private static T? Fail<T>(Dictionary<string, string[]> errors, string name, string message)
        {
            errors[name] = [message];
            return default;
        }
    }
}
