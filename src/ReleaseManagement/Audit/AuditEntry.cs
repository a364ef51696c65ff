namespace ReleaseManagement.Audit;

/// <summary>
/// One fact of a release's audit trail, before it is sealed into the chain: what was done (<see cref="Action"/>, one of
/// <see cref="AuditActions"/>), by whom (<see cref="By"/>, and the signed-in principal), when, from where (client
/// address), through which channel (<see cref="AuditChannels"/>) and under which policy rule. <see cref="EventKey"/> makes
/// the append idempotent: a retried write with the same key adds no second row.
/// </summary>
/// <param name="Data">Further facts (stage, item, decision, reason, policy hash ...), compared and hashed by key.</param>
public sealed record AuditEntry(
    string ReleaseId,
    string EventKey,
    string Action,
    string By,
    DateTimeOffset At,
    string Channel,
    string Summary,
    string? Rule = null,
    string? SignedInAs = null,
    string? ClientAddress = null,
    IReadOnlyDictionary<string, string>? Data = null)
{
    /// <summary>The actor of what the orchestration does by itself (deployments, rollbacks, outcomes).</summary>
    public const string System = "release-orchestration";
}

/// <summary>
/// A sealed row of the audit trail: its place in the chain, the previous row's hash, its own, and the id of the key that
/// sealed it (<see cref="AuditKeys"/>; null on a row that names none, which never verifies).
/// </summary>
public sealed record AuditRecord(long Sequence, AuditEntry Entry, string PreviousHash, string Hash, string? KeyId);

/// <summary>What a chain check found: verified, or the first broken row and why.</summary>
public sealed record AuditVerification(bool Verified, long? FirstBrokenSequence, string? Problem)
{
    public static readonly AuditVerification Intact = new(true, null, null);
}

/// <summary>The kinds of fact the audit trail records (<c>action</c> in <c>GET /api/releases/{id}/audit</c>).</summary>
public static class AuditActions
{
    public const string Request = "request";
    public const string Policy = "policy";
    public const string Decision = "decision";
    public const string Evidence = "evidence";
    public const string Attestation = "attestation";
    public const string Waiver = "waiver";
    public const string Milestone = "milestone";
    public const string Deployment = "deployment";
    public const string Rollback = "rollback";
    public const string Reschedule = "reschedule";
    public const string Cancel = "cancel";
    public const string Outcome = "outcome";

    /// <summary>A release manager's retry now of an effect waiting out an outage.</summary>
    public const string Retry = "retry";

    /// <summary>A release manager's skip of an effect waiting out an outage past <c>resilience.maxOutage</c>.</summary>
    public const string Skip = "skip";

    /// <summary>A release manager's resume of a stranded release.</summary>
    public const string Resume = "resume";

    /// <summary>A business objective's verdict: measured at a checkpoint after the deployment, or attested by a person.</summary>
    public const string Objective = "objective";

    /// <summary>A person's roles delegated to another for a period (audit stream <c>_delegations</c>).</summary>
    public const string Delegation = "delegation";

    /// <summary>A delegation ended early by its owner (audit stream <c>_delegations</c>).</summary>
    public const string DelegationCancel = "delegation-cancel";

    public static IReadOnlyList<string> All { get; } = StringConstants.Of(typeof(AuditActions));
}

/// <summary>Through which channel a fact arrived (<c>channel</c> in the audit trail).</summary>
public static class AuditChannels
{
    /// <summary>The JSON API.</summary>
    public const string Api = "api";

    /// <summary>A personal emailed link (approval pages).</summary>
    public const string Link = "link";

    /// <summary>A pipeline webhook.</summary>
    public const string Webhook = "webhook";

    /// <summary>A form of the dashboard.</summary>
    public const string Page = "page";

    /// <summary>The release orchestration itself (deployments, rollbacks, outcomes).</summary>
    public const string Orchestration = "orchestration";

    public static IReadOnlyList<string> All { get; } = StringConstants.Of(typeof(AuditChannels));
}
