namespace ReleaseManagement.Policy;

/// <summary>Release success criteria and the post-release watch.</summary>
public sealed record SuccessCriteria
{
    /// <summary>The most critical production issues a successful release may have (zero).</summary>
    public required int MaxCriticalIssues { get; init; }

    /// <summary>Thresholds for systems that name none of their own.</summary>
    public required PerformanceThresholds DefaultThresholds { get; init; }

    /// <summary>How long the release is watched after deployment (24 hours).</summary>
    public required TimeSpan WatchDuration { get; init; }

    /// <summary>
    /// How often the watch expects a health reading. Readings come from the post-release monitor, whose schedule
    /// (<c>PostReleaseMonitorSchedule</c>, every 15 minutes) sets the actual cadence: keep the two alike.
    /// </summary>
    public required TimeSpan CheckInterval { get; init; }

    /// <summary>
    /// How long the post-deployment validation waits after the production deployment before it reads health
    /// (15 minutes; a chosen default, the procedure gives no duration): its window then runs from the deployment for this
    /// long, against a baseline as long just before the deployment (<see cref="HealthWindow.AfterDeployment"/>). Zero
    /// reads at once, over the watch's window (<see cref="HealthWindow.For"/>).
    /// </summary>
    public TimeSpan ValidationDelay { get; init; } = DefaultValidationDelay;

    /// <summary>
    /// What the post-deployment validation and the watch do when health data is missing (<see cref="HealthData"/>):
    /// <see cref="MissingHealthDataRule.RequireSignOff"/> by default.
    /// </summary>
    public MissingHealthDataRule OnMissingHealthData { get; init; } = MissingHealthDataRule.RequireSignOff;

    /// <summary>The item whose attestation signs off a step that ended without health data (<c>watch-signoff</c>).</summary>
    public string SignOffItem { get; init; } = DefaultSignOffItem;

    /// <summary>The roles whose members may sign off (<c>release-manager</c>).</summary>
    public IReadOnlyList<string> SignOffRoles { get; init; } = [PolicyRoles.ReleaseManager];

    /// <summary>How long after a step starts waiting for its sign-off the signers are reminded (4 hours; not in the procedure).</summary>
    public TimeSpan SignOffReminderAfter { get; init; } = TimeSpan.FromHours(4);

    /// <summary>How long after a step starts waiting for its sign-off it is escalated (24 hours; not in the procedure).</summary>
    public TimeSpan SignOffEscalationAfter { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Who is told when a sign-off is overdue, besides the signers: role names or email addresses (<c>executive</c>).</summary>
    public IReadOnlyList<string> SignOffEscalationContacts { get; init; } = [PolicyRoles.Executive];

    /// <summary>
    /// The procedure's "user satisfaction" criterion: the least mean rating (1 to 5) of the answers to the feedback links
    /// a release's notices carry. Optional; null judges none (the satisfaction is shown, not judged).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public decimal? MinSatisfaction { get; init; }

    /// <summary>How many answers <see cref="MinSatisfaction"/> needs before it judges ("not enough answers" below). Optional; default 1.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? MinResponses { get; init; }

    /// <summary>The built-in <see cref="ValidationDelay"/>: 15 minutes.</summary>
    public static readonly TimeSpan DefaultValidationDelay = TimeSpan.FromMinutes(15);

    /// <summary>The built-in <see cref="SignOffItem"/>.</summary>
    public const string DefaultSignOffItem = "watch-signoff";
}
