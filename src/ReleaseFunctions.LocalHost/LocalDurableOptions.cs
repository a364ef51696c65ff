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
    /// Activity work items the engine runs at once. The Functions app's default is 10 × cores
    /// (<c>maxConcurrentActivityFunctions</c>); the bare engine's would be 10, which queues every status write behind
    /// e-mails and notices once a few dozen releases are in flight (bench/README.md, Lifecycle). Same default as Azure.
    /// </summary>
    public int MaxConcurrentActivities { get; set; } = 10 * Environment.ProcessorCount;

    /// <summary>Orchestration work items the engine runs at once: the Functions app's default, 10 × cores.</summary>
    public int MaxConcurrentOrchestrations { get; set; } = 10 * Environment.ProcessorCount;

    /// <summary>
    /// How long a message a stopped host had taken stays invisible before another host picks it up (Azure's default is
    /// 5 minutes): short here, so a restarted local host resumes in-flight work quickly. Activities are idempotent.
    /// </summary>
    public TimeSpan MessageVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How far each renewal moves a task hub partition's lease on (Azure's default, 30 s). A host killed without shutting
    /// down keeps its partitions until their leases run out; only then does a restarted host take them and go on. The
    /// chaos tests, which kill the host at every step, shorten it.
    /// </summary>
    public TimeSpan PartitionLeaseInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a host renews the partitions it holds and takes those whose lease ran out (Azure's default, 10 s); shorter than <see cref="PartitionLeaseInterval"/>.</summary>
    public TimeSpan PartitionLeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(10);
}
