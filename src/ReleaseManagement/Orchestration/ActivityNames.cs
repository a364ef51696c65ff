namespace ReleaseManagement.Orchestration;

/// <summary>
/// The registered names of the activities. Both hosts register under these constants; orchestrations call them only
/// through the typed methods of <see cref="ActivityCalls"/>.
/// </summary>
public static class ActivityNames
{
    public const string RecordReleaseStatus = "RecordReleaseStatus";
    public const string RequestApprovals = "RequestApprovals";
    public const string CloseApprovalStage = "CloseApprovalStage";
    public const string RequestDeployment = "RequestDeployment";
    public const string CheckReleaseHealth = "CheckReleaseHealth";
    public const string SendReleaseNotice = "SendReleaseNotice";
    public const string PublishReleaseEvent = "PublishReleaseEvent";

    /// <summary>Every activity name, for the hosts' registration checks.</summary>
    public static readonly IReadOnlyList<string> All =
        [RecordReleaseStatus, RequestApprovals, CloseApprovalStage, RequestDeployment, CheckReleaseHealth, SendReleaseNotice, PublishReleaseEvent];
}
