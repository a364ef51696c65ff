namespace ReleaseManagement.Azure.Tables;

/// <summary>The tables the system keeps. Table names are letters and digits only.</summary>
public static class TableNames
{
    public const string Releases = "Releases";

    /// <summary>The admission index of the releases: by system and month of target date (TableReleaseStore.Index.cs).</summary>
    public const string ReleaseIndex = "ReleaseIndex";
    public const string ApprovalRequests = "ApprovalRequests";
    public const string ApprovalDecisions = "ApprovalDecisions";

    /// <summary>The approvals' day index: decisions, skipped stages and Request links by UTC day (ApprovalDayIndex.cs).</summary>
    public const string ApprovalsByDay = "ApprovalsByDay";
    public const string ReleaseAudit = "ReleaseAudit";
    public const string Delegations = "Delegations";
    public const string Sends = "Sends";
    public const string Feedback = "Feedback";
    public const string Objectives = "Objectives";
}
