namespace ReleaseFunctions.Functions;

/// <summary>Names of the HTTP, timer and queue functions (orchestrators and activities use the core's names).</summary>
public static class FunctionNames
{
    public const string CreateRelease = "CreateRelease";
    public const string GetRelease = "GetRelease";
    public const string DecideRelease = "DecideRelease";
    public const string ListReleases = "ListReleases";
    public const string CancelRelease = "CancelRelease";
    public const string RescheduleRelease = "RescheduleRelease";
    public const string RecordMilestone = "RecordMilestone";
    public const string RecordEvidence = "RecordEvidence";
    public const string GetReleaseAudit = "GetReleaseAudit";
    public const string GetAuditPeriod = "GetAuditPeriod";
    public const string RollbackRelease = "RollbackRelease";
    public const string RetryReleaseEffect = "RetryReleaseEffect";
    public const string SkipReleaseEffect = "SkipReleaseEffect";
    public const string ResumeRelease = "ResumeRelease";
    public const string CreateDelegation = "CreateDelegation";
    public const string ListDelegations = "ListDelegations";
    public const string CancelDelegation = "CancelDelegation";
    public const string Health = "Health";
    public const string GetPolicy = "GetPolicy";
    public const string GetReleaseNotes = "GetReleaseNotes";
    public const string ShowApproval = "ShowApproval";
    public const string DecideApproval = "DecideApproval";
    public const string ShowFeedback = "ShowFeedback";
    public const string AnswerFeedback = "AnswerFeedback";
    public const string GetReleaseFeedback = "GetReleaseFeedback";
    public const string GetReleaseObjectives = "GetReleaseObjectives";
    public const string AttestObjective = "AttestObjective";
}
