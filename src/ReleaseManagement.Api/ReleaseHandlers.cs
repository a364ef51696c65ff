using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Audit;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>
/// The release API. Each method is what one route does; the Functions triggers and the local host's
/// endpoints both call these, so the two hosts behave the same.
/// </summary>
public sealed partial class ReleaseHandlers(
    IReleaseStore store,
    TimeProvider time,
    IOptions<ReleaseOptions> options,
    ILogger<ReleaseHandlers> log,
    ReleasePolicy policy,
    AuditRecorder audit,
    ReleasePolicies policies,
    IOptions<Approvals.ApprovalOptions>? approvalOptions = null)
{
    /// <summary>Every status a started instance can have: starting an id again while any of these holds is refused.</summary>
    private static readonly OrchestrationRuntimeStatus[] AllStatuses =
        Enum.GetValues<OrchestrationRuntimeStatus>().Where(s => StartOrchestrationOptionsExtensions.ValidDedupeStatuses.Contains(s)).ToArray();

    public static string StatusUri(string releaseId) => $"/api/releases/{Uri.EscapeDataString(releaseId)}";

    /// <summary><c>POST /api/releases</c>: validate, store, start the orchestration; 202 with the status location.</summary>
    public async Task<Results<Accepted<ReleaseAccepted>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<ReleaseRequestBody>(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        // "Today" is the policy zone's date, as every other date rule reckons it (a hotfix for today at 20:30 in New York
        // is 01:30 UTC tomorrow, and must not be refused as past).
        var now = time.GetUtcNow();
        var validation = ReleaseRequestShape.Validate(body, PolicyTime.LocalDate(PolicyTime.Zone(policy), now));
        if (!validation.IsValid)
        {
            return Problems.Validation(validation.Errors, "The release request is invalid.");
        }

        // Who may request a release, before the policy's rules are applied to what it asks: the permission table's one rule
        // (anyone by default; access.permissions.request).
        var requester = validation.Value!.RequestedBy;
        var mayRequest = ReleasePermissions.CheckRequest(policy, validation.Value, requester, Auth.ClaimedRoles.Of(policy, Approvals.AppServicePrincipal.From(request), requester));
        if (!mayRequest.Allowed)
        {
            LogRefusedRequest(log, validation.Value.Id, requester ?? "(nobody)");
            return Problems.Forbidden("Not allowed to request a release.", mayRequest.Reason);
        }

        var policyCheck = ReleaseRequestPolicyRules.Validate(policy, validation.Value!, now);
        if (!policyCheck.IsValid)
        {
            return Problems.Validation(policyCheck.Errors, "The release request does not meet the release policy.");
        }

        // The policy may move the request to another change category (risk above its category's maximum).
        var release = policyCheck.Value!;

        // Cadence and production-window conflicts against the releases stored near its target date.
        var admission = new AdmissionWriter(store, policy);
        var neighbours = await admission.NeighboursAsync(release, cancellationToken);
        var check = ReleaseAdmission.Check(policy, release, neighbours);
        if (check.Refused)
        {
            return Problems.Admission(check, "The release request collides with other releases.");
        }

        if (MissingReleaseManager(check, release) is { } missing)
        {
            return Problems.Validation(missing, "The release request does not meet the release policy.");
        }

        // The policy's snapshot is kept before the record names it (write-once by hash: a retry, or another release requested
        // under the same policy, saves nothing new), so a stored record never names a policy that cannot be read back.
        var snapshot = await policies.CaptureAsync(cancellationToken);
        var record = new ReleaseRecord(release, now, ReleasePhase.Submitted, ReleaseStatus.Active, "Submitted.", now, PolicyHash: snapshot.Hash);
        var runsUnder = policy;
        if (!await store.TryCreateAsync(record, cancellationToken))
        {
            // The id is taken. The one case that is not a conflict: the same request was stored but its orchestration
            // never started (the host stopped in between); then starting it now completes the earlier request. An ended
            // release is never started again, also when its instance is gone (its history purged: HistoryPurge).
            var stored = await store.GetAsync(release.Id, cancellationToken);
            if (stored is null || !SameRequest(stored.Request, release) || stored.Status != ReleaseStatus.Active
                || await durable.GetInstanceAsync(release.Id, cancellationToken) is not null)
            {
                return Problems.Conflict("The release already exists.", $"A release with id '{release.Id}' was already requested.");
            }

            LogResuming(log, release.Id);

            // The release runs under the policy its record names (the one it was requested under), as its views show it.
            runsUnder = await policies.ForAsync(stored, cancellationToken);
        }

        // Before the orchestration starts: its status updates keep warnings they do not name (WarningSet).
        await admission.WarnAsync(check, record, replace: false, now, cancellationToken);
        var warnings = check.Warnings(now);
        await AuditRequestAsync(request, release, runsUnder, now, cancellationToken);
        var input = new ReleaseOrchestrationInput(
            release, PolicyJson.Serialize(runsUnder, indented: false), ReleaseOrchestrator.CurrentVersion, options.Value.ToTimings(),
            check.ExtraPlanApprovalRoles.Count > 0 ? check.ExtraPlanApprovalRoles : null,
            warnings.Count > 0 ? warnings : null,
            approvalOptions?.Value.RequesterMayApprove ?? false);
        try
        {
            await durable.ScheduleNewOrchestrationInstanceAsync(
                OrchestratorNames.Release,
                input,
                new StartOrchestrationOptions(InstanceId: release.Id).WithDedupeStatuses(AllStatuses),
                cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (await durable.GetInstanceAsync(release.Id, cancellationToken) is not null)
            {
                return Problems.Conflict("The release already exists.", $"A release with id '{release.Id}' was already requested.");
            }

            throw;
        }

        LogStarted(log, release.Id, release.Type);
        var location = StatusUri(release.Id);
        return TypedResults.Accepted(location, new ReleaseAccepted(release.Id, location));
    }

    /// <summary>
    /// <c>GET /api/releases/{id}</c>: the stored release, its phase, and the orchestration's runtime status; an active
    /// release's <c>window-conflict</c> warning as it stands now (<see cref="AdmissionWriter.CurrentWarningsAsync"/>).
    /// </summary>
    public async Task<IResult> GetAsync(string releaseId, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        if (!ReleaseIds.IsValid(releaseId))
        {
            return Problems.UnknownRelease(releaseId);
        }

        var record = await store.GetAsync(releaseId, cancellationToken);
        if (record is null)
        {
            return Problems.UnknownRelease(releaseId);
        }

        // The conflicts of an active release as they stand (the other releases' requests do not write to it).
        record = record with { Warnings = await new AdmissionWriter(store, policy).CurrentWarningsAsync(record, time.GetUtcNow(), cancellationToken) };
        var instance = await durable.GetInstanceAsync(releaseId, cancellationToken);
        var timeline = await store.GetTimelineAsync(releaseId, cancellationToken);
        return ApiJson.Json(ReleaseView.From(record, instance?.RuntimeStatus.ToString(), timeline));
    }

    private static T? Filter<T>(HttpRequest request, string name, ValidationErrors errors)
        where T : struct, Enum
    {
        var text = request.Query[name].ToString();
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (ReleaseRequestShape.TryParseName<T>(text, out var value))
        {
            return value;
        }

        errors.Add(name, $"'{text}' is not a {name}: use one of {string.Join(", ", Enum.GetNames<T>())}.");
        return null;
    }

    /// <summary>
    /// The first two rows of the release's audit trail: the request, and the policy it runs under (the orchestration captures
    /// this same policy, and the release record names its snapshot by the same hash) as canonical JSON with its SHA-256.
    /// Keyed, so a resumed request adds neither twice.
    /// </summary>
    private async Task AuditRequestAsync(HttpRequest request, ReleaseRequest release, ReleasePolicy runsUnder, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var origin = AuditOrigin.From(request);
        var policyHash = CanonicalJson.PolicyHash(runsUnder);
        var by = string.IsNullOrWhiteSpace(release.RequestedBy) ? "(requester not named)" : release.RequestedBy;
        var target = release.TargetDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await audit.RecordAsync(origin, release.Id, AuditActions.Request, by, $"{release.Type} release '{release.Title}' requested for {target}.",
            $"releaseTypes.{release.Type}, changeCategories.{release.EffectiveChangeCategory}", "request",
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["type"] = release.Type.ToString(),
                ["changeCategory"] = release.EffectiveChangeCategory.ToString(),
                ["systems"] = string.Join(", ", release.Systems),
                ["targetDate"] = target,
                [AuditView.PolicyHashKey] = policyHash,
            },
            now,
            cancellationToken);
        await audit.RecordAsync(origin, release.Id, AuditActions.Policy, AuditEntry.System, $"Policy captured at start (SHA-256 {policyHash}).", null, "policy",
            new Dictionary<string, string>(StringComparer.Ordinal) { [AuditView.PolicyHashKey] = policyHash, [AuditView.PolicyKey] = CanonicalJson.Of(runsUnder) },
            now,
            cancellationToken);
    }

    /// <summary>
    /// A release the cadence rule sends to the release manager needs someone in that role who may decide on it (not the
    /// requester); else it would wait for nobody. The error, or null.
    /// </summary>
    internal static IReadOnlyDictionary<string, string[]>? MissingReleaseManager(ReleasePolicy policy, AdmissionCheck check, ReleaseRequest release)
    {
        var plan = ApprovalPlan.For(policy, release, check.ExtraPlanApprovalRoles);
        if (check.ExtraPlanApprovalRoles.Count == 0 || !plan.Asks(plan.PlanStage))
        {
            return null;
        }

        var approvers = ApproverDirectory.Resolve(policy, release.Systems, release.Approvers);
        var errors = new ValidationErrors();
        foreach (var role in check.ExtraPlanApprovalRoles)
        {
            var people = approvers.TryGetValue(role, out var p) ? p : [];
            if (!people.Any(x => release.RequestedBy is null || !string.Equals(x, release.RequestedBy.Trim(), StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add($"approvers.{role}",
                    $"The release is over its type's cadence and role '{role}' must approve its plan, but nobody other than the requester is configured for it.");
            }
        }

        return errors.Any ? errors.ToDictionary() : null;
    }

    private IReadOnlyDictionary<string, string[]>? MissingReleaseManager(AdmissionCheck check, ReleaseRequest release) =>
        MissingReleaseManager(policy, check, release);

    private static bool SameRequest(ReleaseRequest a, ReleaseRequest b) =>
        System.Text.Json.JsonSerializer.Serialize(a, ApiJson.Options) == System.Text.Json.JsonSerializer.Serialize(b, ApiJson.Options);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Release {ReleaseId}: request refused to {By} (access.permissions.request)")]
    private static partial void LogRefusedRequest(ILogger logger, string releaseId, string by);

    [LoggerMessage(Level = LogLevel.Information, Message = "Release {ReleaseId} ({ReleaseType}) started")]
    private static partial void LogStarted(ILogger logger, string releaseId, ReleaseType releaseType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Release {ReleaseId} was stored without an orchestration; starting it now")]
    private static partial void LogResuming(ILogger logger, string releaseId);
}
