using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// Input of the communication timeline: the release as requested, the policy, and when the schedule was made; on a resumed
/// release, the effects its earlier timeline completed (<see cref="ReleaseResume.Communications"/>, not done again); and the
/// version of the timeline's rules it runs (<see cref="CurrentVersion"/> when started; 1 for a timeline started before
/// versions were recorded, whose history replays as it was written).
/// </summary>
public sealed record CommunicationsInput(
    ReleaseRequest Release, string PolicyJson, DateTimeOffset ScheduledAt, IReadOnlyList<JournalEntry>? Done = null, int Version = 1)
{
    /// <summary>
    /// 2: a notice after T (T+1, the post-deployment status report) waits for the release to be deployed and watched and
    /// goes out then, never on its clock time alone (a deployment that slipped past T+1 sent a report of nothing); and of the
    /// notices already due when the timeline starts (a release requested late), the most recent goes out at once, marked
    /// late (<see cref="Activities.NoticeFacts.LateDue"/>), the earlier ones are reported missed.
    /// </summary>
    /// <remarks>
    /// 3: a notice that asks for a confirmation (<see cref="Policy.CommunicationEvent.Confirm"/>, the T-3 deployment
    /// readiness) goes to the confirming roles too; when the communication it names comes due (T-1) unconfirmed, the release
    /// carries the warning <see cref="Activities.NoticeWarnings.ConfirmationMissing"/> and the plan's approvers are told;
    /// the confirmation is looked for again until it is recorded (the warning clears) or the release ends.
    /// <para>4: the policy's meetings (<see cref="Policy.ReleaseMeeting"/>: planning, review) are sent as invites when the
    /// timeline starts, moved with the target date and the real deployment, and cancelled with the release; a notice that
    /// asks for feedback (<see cref="Policy.CommunicationEvent.AskFeedback"/>, the T+1 report) goes to each reader alone
    /// with a feedback link of their own.</para>
    /// </remarks>
    public const int CurrentVersion = 4;

    /// <summary>Whether the notices after T wait for the deployment (version 2 on).</summary>
    public bool AfterDeploymentWaitsForIt => Version >= 2;

    /// <summary>Whether the most recent notice already due at the start goes out late instead of missed (version 2 on).</summary>
    public bool SendsTheLatestDueLate => Version >= 2;

    /// <summary>Whether the notices ask for their confirmations and a missing one warns (version 3 on).</summary>
    public bool AsksForConfirmations => Version >= 3;

    /// <summary>Whether the timeline holds the policy's meetings and asks for feedback where the policy says so (version 4 on).</summary>
    public bool HoldsMeetings => Version >= 4;
}
