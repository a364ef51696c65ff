namespace ReleaseManagement.Activities;

/// <summary>Names of the built-in notice templates beyond the communication timeline's (which the policy names).</summary>
public static class NoticeTemplates
{
    public const string Completed = "outcome-completed";
    public const string Failed = "outcome-failed";
    public const string RolledBack = "outcome-rolled-back";
    public const string Cancelled = "outcome-cancelled";
    public const string Rejected = "outcome-rejected";
    public const string Rescheduled = "release-rescheduled";

    /// <summary>A confirmation a communication asked for is missing when a later one comes due (<see cref="Policy.CommunicationConfirmation"/>).</summary>
    public const string ConfirmationMissing = "confirmation-missing";

    /// <summary>A meeting's invite, its move and its cancellation (<see cref="Policy.ReleaseMeeting"/>, <see cref="ReleaseNotice.Meeting"/>).</summary>
    public const string Meeting = "meeting-invite";
}

/// <summary>Warning codes the communications raise on a release (see docs/api.md).</summary>
public static class NoticeWarnings
{
    /// <summary>A notice (or one of its audiences) reached nobody: the audience resolves to no address and no channel.</summary>
    public const string NotSent = "notice-not-sent";

    /// <summary>A chat or webhook channel could not be reached after its retries.</summary>
    public const string ChannelFailed = "channel-failed";

    /// <summary>
    /// A confirmation a communication asked for (the T-3 deployment readiness) was not recorded when the communication it
    /// names comes due (T-1); cleared once it is, or when the release ends.
    /// </summary>
    public const string ConfirmationMissing = "confirmation-missing";
}
