using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.DurableTask.Converters;
using ReleaseFunctions.Tests.Support;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseFunctions.Tests;

/// <summary>
/// A decision sent to a release whose orchestration is scheduled but has not run its first episode, against the local host
/// process and its Durable engine (Azure Storage on Azurite). The engine discards an event raised to an instance with no
/// history unless the start message is in the same batch, and the start message is not there while the engine has
/// deferred it (dequeued before the client wrote the instance row) or abandoned its first episode: a script that approves
/// within a second of requesting lost its decisions that way under load (answered 202, never counted). Here the start
/// message is made invisible for a few seconds (a scheduled start written straight to the task hub, as a deferral leaves
/// it), so the window is certain instead of a race.
/// </summary>
public sealed class EarlySignalEndToEndTests
{
    /// <summary>How long the start message stays invisible after it is sent; the decisions go in well within it.</summary>
    private static readonly TimeSpan StartDelay = TimeSpan.FromSeconds(12);

    [Fact]
    public async Task Decisions_SentBeforeTheReleasesFirstEpisode_AreCountedAndTheReleaseReachesDevelopment()
    {
        var ct = TestContext.Current.CancellationToken;
        var hub = Azurite.UniqueTaskHub("early");
        var system = OwnSystem.NewName("early");
        await using var host = await LocalHostProcess.StartAsync(
            new Dictionary<string, string> { ["AzureWebJobsStorage"] = Azurite.ConnectionString, ["TaskHubName"] = hub, ["Policy__Path"] = OwnSystem.PolicyFile(system) },
            cancellationToken: ct);
        var id = "early-" + Guid.NewGuid().ToString("N")[..10];
        await ScheduleReleaseAsync(hub, id, system, StartDelay, ct);

        // As a script does: approve at once. A 503 (the release did not start within the API's wait) means "not taken, send
        // again"; a 202 must mean the decision counts.
        foreach (var (approver, role) in new[] { ("po@example.com", "product-owner"), ("lead@example.com", "technical-lead") })
        {
            for (var attempt = 1; ; attempt++)
            {
                using var decided = await host.Client.PostAsync(
                    $"/api/releases/{id}/decisions",
                    new StringContent($$"""{ "stage": "plan", "decision": "approve", "approver": "{{approver}}", "role": "{{role}}" }""", Encoding.UTF8, "application/json"),
                    ct);
                if (decided.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 3)
                {
                    await Task.Delay(decided.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(5), ct);
                    continue;
                }

                Assert.True(decided.StatusCode == HttpStatusCode.Accepted, $"{decided.StatusCode}: {await decided.Content.ReadAsStringAsync(ct)}");
                break;
            }
        }

        JsonObject developing;
        try
        {
            developing = await Eventually.UntilAsync(
                async () => (await host.Client.GetFromJsonAsync<JsonObject>($"/api/releases/{id}", ct))!,
                r => (string?)r["phase"] == nameof(ReleasePhase.Development),
                TimeSpan.FromSeconds(90),
                $"release {id} to count both plan approvals and reach Development");
        }
        catch (TimeoutException e)
        {
            // The engine's own log says what became of the decisions ("Discarding ... EventRaised ... No such instance").
            throw new TimeoutException($"{e.Message}\n{host.Output}", e);
        }

        Assert.Equal("Running", (string?)developing["runtimeStatus"]);
    }

    /// <summary>
    /// Stores a Minor release as <c>POST /api/releases</c> does and schedules its orchestration in the local host's task
    /// hub with a start message that stays invisible for <paramref name="startIn"/>: until then the instance is Pending
    /// with no history, the state in which the engine discards raised events.
    /// </summary>
    private static async Task ScheduleReleaseAsync(string hub, string id, string system, TimeSpan startIn, CancellationToken ct)
    {
        var policy = OwnSystem.Policy(system);
        var now = DateTimeOffset.UtcNow;
        var request = new ReleaseRequest(
            id, "Decided before it started", ReleaseType.Minor, [system],
            DateOnly.ParseExact(ValidRelease.TargetDate(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Approvers: ValidRelease.Approvers.ToDictionary(a => a.Key, a => (IReadOnlyList<string>)a.Value));
        Assert.True(await new TableReleaseStore(new TableServiceClient(Azurite.ConnectionString)).TryCreateAsync(
            new ReleaseRecord(request, now, ReleasePhase.Submitted, ReleaseStatus.Active, "Submitted.", now), ct));

        var input = new ReleaseOrchestrationInput(request, PolicyJson.Serialize(policy, indented: false), ReleaseOrchestrator.CurrentVersion, ReleaseTimings.Default);
        var engine = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = hub,
            StorageAccountClientProvider = new StorageAccountClientProvider(Azurite.ConnectionString),
            PartitionCount = LocalHostProcess.PartitionCount,
        });
        var instance = new OrchestrationInstance { InstanceId = id, ExecutionId = Guid.NewGuid().ToString("N") };
        await engine.CreateTaskOrchestrationAsync(
            new TaskMessage
            {
                OrchestrationInstance = instance,
                Event = new ExecutionStartedEvent(-1, JsonDataConverter.Default.Serialize(input))
                {
                    Name = OrchestratorNames.Release,
                    Version = string.Empty,
                    OrchestrationInstance = instance,
                    Tags = new Dictionary<string, string>(),
                    ScheduledStartTime = DateTime.UtcNow + startIn,
                },
            },
            dedupeStatuses: null);
    }
}
