namespace ReleaseManagement.Orchestration;

/// <summary>
/// The registered names of orchestrators and activities. Both hosts (the Functions app and the local host)
/// register under these constants, so a rename is one edit and a mismatch is a compile error, not a runtime surprise.
/// </summary>
public static class OrchestratorNames
{
    public const string Release = "ReleaseOrchestrator";
}

public static class ActivityNames
{
    public const string RecordReleaseStatus = "RecordReleaseStatus";
    public const string RequestApprovals = "RequestApprovals";
    public const string CloseApprovalStage = "CloseApprovalStage";
}
