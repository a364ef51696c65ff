namespace ReleaseManagement.Orchestration;

/// <summary>
/// The registered names of the orchestrators. Both hosts (the Functions app and the local host) register under these
/// constants, so a rename is one edit and a mismatch is a compile error, not a runtime surprise.
/// </summary>
public static class OrchestratorNames
{
    public const string Release = "ReleaseOrchestrator";

    /// <summary>The communication timeline (T-30 ... T+1) of one release, as a sub-orchestration of durable timers.</summary>
    public const string Communications = "ReleaseCommunications";

    /// <summary>Every orchestrator name (the constants above), for the hosts' registration checks.</summary>
    public static IReadOnlyList<string> All { get; } = StringConstants.Of(typeof(OrchestratorNames));
}
