namespace ReleaseManagement.Orchestration;

/// <summary>
/// The registered names of orchestrators and activities. Both hosts (the Functions app and the local host)
/// register under these constants, so a rename is one edit and a mismatch is a compile error, not a runtime surprise.
/// </summary>
public static class OrchestratorNames
{
    public const string Release = "ReleaseOrchestrator";

    /// <summary>The communication timeline (T-30 ... T+1) of one release, as a sub-orchestration of durable timers.</summary>
    public const string Communications = "ReleaseCommunications";

    /// <summary>The post-release watch (24 hours by default) of one release.</summary>
    public const string Watch = "ReleaseWatch";
}

public static class ActivityNames
{
    public const string RecordReleaseStatus = "RecordReleaseStatus";
    public const string RequestApprovals = "RequestApprovals";
    public const string CloseApprovalStage = "CloseApprovalStage";
    public const string RequestDeployment = "RequestDeployment";
    public const string CheckReleaseHealth = "CheckReleaseHealth";
    public const string SendReleaseNotice = "SendReleaseNotice";
}
