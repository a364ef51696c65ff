namespace ReleaseFunctions.LocalHost;

/// <summary>Settings under <c>LocalHost</c> for the local Durable engine.</summary>
public sealed class LocalDurableOptions
{
    public const string Section = "LocalHost";

    /// <summary>Loopback port of the Durable gRPC sidecar; 0 picks a free one.</summary>
    public int DurableGrpcPort { get; set; }

    /// <summary>The longest the engine waits between polls of an idle task hub (Azure's default is 30 s).</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int PartitionCount { get; set; } = 2;

    /// <summary>
    /// How long a message a stopped host had taken stays invisible before another host picks it up (Azure's default is
    /// 5 minutes): short here, so a restarted local host resumes in-flight work quickly. Activities are idempotent.
    /// </summary>
    public TimeSpan MessageVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
