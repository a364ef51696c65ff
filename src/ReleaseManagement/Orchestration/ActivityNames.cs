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
    public const string CheckConfirmation = "CheckConfirmation";
    public const string AnalyseCanary = "AnalyseCanary";

    public const string SetFeatureFlag = "SetFeatureFlag";

    /// <summary>Every activity name (the constants above), for the hosts' registration checks.</summary>
    public static IReadOnlyList<string> All { get; } = StringConstants.Of(typeof(ActivityNames));
}
