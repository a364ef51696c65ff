using System.Text;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ReleaseManagement.Api.Webhooks;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Events.Tests;

/// <summary>
/// Named webhook secrets and what each pipeline may report (<see cref="GateEntitlement.PipelineRefusal"/>), at the webhook
/// handlers (<see cref="WebhookHandlers"/>) against Azurite, with the vendors' documented payloads: GitHub's check_suite
/// (a test-suite run: <c>unit-tests</c>), Azure DevOps' build.complete (a pipeline run: restricted by event type) and
/// CDEvents' testSuiteRun.finished (with a coverage figure: <c>unit-tests</c> and <c>test-coverage</c>).
/// </summary>
public sealed class PipelineReporterWebhookTests
{
    private const string Allowed = "allowed-pipeline-secret-0001";
    private const string Other = "other-pipeline-secret-000002";

    public static TheoryData<string> Sources => new() { EventSources.GitHub, EventSources.AzureDevOps, EventSources.CDEvents };

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task Webhook_NamedPipelineSendingWhatItMayReport_Is202AndStoredUnderItsName(string source)
    {
        await using var h = Harness(source);
        var (body, releaseId) = Payload(source);

        var response = await h.PostAsync(source, body, Headers(source, body, Allowed));

        Assert.Equal(202, response.Status);
        Assert.Equal(releaseId, response.Str("releaseId"));
        Assert.Equal(1, await h.QueuedAsync());
        await using var durable = await ReleaseFunctions.TestSupport.InProcessEngine.StartAsync(
            _ => { },
            TestContext.Current.CancellationToken);
        Assert.Equal(1, await h.DrainAsync(durable.Client));
        var stored = Assert.Single(await h.Store.ListByReleaseAsync(releaseId, TestContext.Current.CancellationToken));
        Assert.Equal(Granted(source), stored.Event.Attribute(EventAttributes.Reporter));
    }

    [Fact]
    public void AuditEntryOf_GateEvidenceFromANamedPipeline_IsByThePipeline_ByItsSourceWhenUnnamed_ByTheApproverWhenItNamesOne()
    {
        var evt = new CanonicalEvent(
            "cdevents:" + Guid.NewGuid(), EventSources.CDEvents, CanonicalEventType.GateEvidence, EventsHarness.Now, "rel-" + Guid.NewGuid().ToString("N")[..8],
            null, null, EventOutcomes.Success, new Dictionary<string, string> { [EventAttributes.GateItem] = "unit-tests" });

        Assert.Equal("ci", PipelineEventProcessor.AuditEntryOf(PipelineEventProcessor.WithReporter(evt, "ci"))!.By);
        Assert.Equal(EventSources.CDEvents, PipelineEventProcessor.AuditEntryOf(PipelineEventProcessor.WithReporter(evt, null))!.By);
        var attested = evt with { Attributes = new Dictionary<string, string>(evt.Attributes) { [EventAttributes.Attestation] = "approved", [EventAttributes.Approver] = "lead@example.com" } };
        Assert.Equal("lead@example.com", PipelineEventProcessor.AuditEntryOf(PipelineEventProcessor.WithReporter(attested, "ci"))!.By);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task Webhook_SamePayloadSignedByAPipelineThatMayNotReportIt_Is403ProblemAndStoresNothing(string source)
    {
        await using var h = Harness(source);
        var (body, _) = Payload(source);

        var response = await h.PostAsync(source, body, Headers(source, body, Other));

        Assert.Equal(403, response.Status);
        Assert.Equal("The pipeline may not report this.", response.Str("title"));
        Assert.Equal("403", response.Str("status"));
        Assert.Contains("Pipeline 'other'", response.Str("detail"), StringComparison.Ordinal);
        Assert.Contains(source == EventSources.AzureDevOps ? "PipelineRunFinished" : Item(source), response.Str("detail"), StringComparison.Ordinal);
        Assert.Equal(0, await h.QueuedAsync());
        Assert.Equal(0, await h.StoredDeliveriesAsync());
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task Webhook_UnnamedSecret_IsAcceptedAsBeforeUnderTheBuiltInPolicy_ButNotForWhatTheNamedPipelinesAreGranted(string source)
    {
        var (body, releaseId) = Payload(source);
        await using (var asBefore = EventsHarness.Create())
        {
            var response = await asBefore.PostAsync(source, body, Headers(source, body, Legacy(source)));

            Assert.Equal(202, response.Status);
            Assert.Equal(releaseId, response.Str("releaseId"));
            var message = Ports.PipelineEventMessage.Parse(Assert.Single((await asBefore.Storage.Queue.PeekMessagesAsync(32, TestContext.Current.CancellationToken)).Value).MessageText);
            Assert.Null(message.Pipeline);
        }

        await using var granted = Harness(source);
        var refused = await granted.PostAsync(source, body, Headers(source, body, Legacy(source)));

        Assert.Equal(403, refused.Status);
        Assert.Contains("An unnamed webhook secret", refused.Str("detail"), StringComparison.Ordinal);
        Assert.Equal(0, await granted.QueuedAsync());
        Assert.Equal(0, await granted.StoredDeliveriesAsync());
    }

    /// <summary>
    /// A pipeline's report is judged by the policy its release runs under (captured when it was requested), not by today's
    /// (issue 24): a release requested under a policy granting <c>unit-tests</c> to pipeline <c>ci</c> alone refuses
    /// <c>other</c>'s check suite after the host moved to the built-in policy (which grants every pipeline), and a release
    /// requested under the built-in policy takes <c>other</c>'s report after the host moved to the granting policy. A report
    /// for a release not requested yet is judged by today's policy. Before, all three were judged by today's.
    /// </summary>
    [Fact]
    public async Task Webhook_ReportForARelease_IsJudgedByThePolicyTheReleaseRunsUnder_NotTodays()
    {
        var grantingCi = Grant(ReleasePolicyDefaults.Create() with { TimeZone = "UTC" }, "unit-tests", "ci");
        var builtIn = ReleasePolicyDefaults.Create() with { TimeZone = "UTC" };
        static Action<Dictionary<string, string?>> Secrets() => s =>
        {
            s["Webhooks:GitHub:Secrets:ci"] = Allowed;
            s["Webhooks:GitHub:Secrets:other"] = Other;
        };

        // The host now runs the built-in policy; the release was requested under the granting one.
        await using (var h = EventsHarness.Create(configure: Secrets(), policy: _ => builtIn))
        {
            var (body, releaseId) = Payload(EventSources.GitHub);
            await RequestedUnderAsync(h, releaseId, grantingCi);
            var refused = await h.PostAsync(EventSources.GitHub, body, Headers(EventSources.GitHub, body, Other));
            Assert.Equal(403, refused.Status);
            Assert.Contains("Pipeline 'other' may not report 'unit-tests'", refused.Str("detail"), StringComparison.Ordinal);
            Assert.Equal(0, await h.QueuedAsync());

            var (notRequested, _) = Payload(EventSources.GitHub);
            Assert.Equal(202, (await h.PostAsync(EventSources.GitHub, notRequested, Headers(EventSources.GitHub, notRequested, Other))).Status);
        }

        // The host now runs the granting policy; the release was requested under the built-in one.
        await using (var h = EventsHarness.Create(configure: Secrets(), policy: _ => grantingCi))
        {
            var (body, releaseId) = Payload(EventSources.GitHub);
            await RequestedUnderAsync(h, releaseId, builtIn);
            var accepted = await h.PostAsync(EventSources.GitHub, body, Headers(EventSources.GitHub, body, Other));
            Assert.True(accepted.Status == 202, accepted.ToString());
            Assert.Equal(releaseId, accepted.Str("releaseId"));
        }
    }

    /// <summary>Stores a release record requested under <paramref name="policy"/> (its snapshot kept, as admission does).</summary>
    private static async Task RequestedUnderAsync(EventsHarness h, string releaseId, ReleasePolicy policy)
    {
        var snapshot = PolicySnapshot.Of(policy);
        await h.Services.GetRequiredService<Ports.IPolicySnapshots>().SaveAsync(snapshot, TestContext.Current.CancellationToken);
        var now = EventsHarness.Now;
        Assert.True(await h.Services.GetRequiredService<Ports.IReleaseStore>().TryCreateAsync(new Releases.ReleaseRecord(
            new Releases.ReleaseRequest(releaseId, "Captured policy", Releases.ReleaseType.Minor, ["Billing"], DateOnly.FromDateTime(now.UtcDateTime).AddDays(30), "rm@example.com"),
            now, Releases.ReleasePhase.Planning, Releases.ReleaseStatus.Active, "Planned.", now, PolicyHash: snapshot.Hash), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task GitHub_LargeDeliveryFromANamedPipeline_IsStoredWithItsName_AndRefusedFromAnother()
    {
        // A large delivery goes by reference: the pipeline travels in the message and in the stored blob's metadata.
        var releaseId = "rel-" + Guid.NewGuid().ToString("N")[..8];
        var json = Fixture.Text("github/check_suite.completed.json").Replace("release/2025.07", "release/" + releaseId, StringComparison.Ordinal);
        var body = Encoding.UTF8.GetBytes(json.TrimEnd().TrimEnd('}') + $", \"padding\": \"{new string('x', 40_000)}\" }}");
        await using var h = Harness(EventSources.GitHub);

        var refused = await h.PostAsync(EventSources.GitHub, body, Headers(EventSources.GitHub, body, Other));
        var accepted = await h.PostAsync(EventSources.GitHub, body, Headers(EventSources.GitHub, body, Allowed));

        Assert.Equal(403, refused.Status);
        Assert.Equal(202, accepted.Status);
        var message = Ports.PipelineEventMessage.Parse(Assert.Single((await h.Storage.Queue.PeekMessagesAsync(32, TestContext.Current.CancellationToken)).Value).MessageText);
        Assert.False(message.IsInline);
        Assert.Equal("ci", message.Pipeline);
        var stored = await new ReleaseManagement.Azure.Events.BlobRawDeliveryStore(h.Storage.Blobs.GetBlobContainerClient(h.Storage.Names.Container))
            .GetAsync(EventSources.GitHub, message.DeliveryId, TestContext.Current.CancellationToken);
        Assert.Equal("ci", stored?.Pipeline);
    }

    /// <summary>The pipeline whose secret is <see cref="Allowed"/> for each source (secret names are the pipelines).</summary>
    private static string Granted(string source) => source == EventSources.AzureDevOps ? "build" : "ci";

    /// <summary>The item the policy grants to <see cref="Granted"/> only.</summary>
    private static string Item(string source) => source == EventSources.CDEvents ? "test-coverage" : "unit-tests";

    /// <summary>The source's unnamed secret of the shared settings (<c>Secrets:0</c>).</summary>
    private static string Legacy(string source) => source switch
    {
        EventSources.GitHub => Secrets.GitHub,
        EventSources.AzureDevOps => Secrets.AdoPassword,
        _ => Secrets.CDEvents,
    };

    /// <summary>
    /// Two named pipelines for the source (<see cref="Granted"/> with <see cref="Allowed"/>, <c>other</c> with
    /// <see cref="Other"/>) beside the unnamed secrets, and a policy granting <see cref="Granted"/> alone what the payload
    /// reports: an evidence item for GitHub and CDEvents, the pipeline-run event type for Azure DevOps.
    /// </summary>
    private static EventsHarness Harness(string source)
    {
        var section = source switch
        {
            EventSources.GitHub => "GitHub",
            EventSources.AzureDevOps => "AzureDevOps",
            _ => "CDEvents",
        };
        return EventsHarness.Create(
            configure: s =>
            {
                s[$"Webhooks:{section}:Secrets:{Granted(source)}"] = Allowed;
                s[$"Webhooks:{section}:Secrets:other"] = Other;
            },
            policy: p => source == EventSources.AzureDevOps
                ? p with { PipelineReporters = new Dictionary<CanonicalEventType, IReadOnlyList<string>> { [CanonicalEventType.PipelineRunFinished] = ["build"] } }
                : Grant(p, Item(source), Granted(source)));
    }

    internal static ReleasePolicy Grant(ReleasePolicy policy, string item, params string[] reporters) => policy with
    {
        QualityGates = policy.QualityGates.ToDictionary(
            g => g.Key,
            g => g.Value with { Items = g.Value.Items.Select(i => i.Id == item ? i with { Reporters = reporters } : i).ToArray() }),
    };

    /// <summary>The source's documented payload, tied to a release of its own.</summary>
    private static (byte[] Body, string ReleaseId) Payload(string source)
    {
        var releaseId = "rel-" + Guid.NewGuid().ToString("N")[..8];
        var text = source switch
        {
            EventSources.GitHub => Fixture.Text("github/check_suite.completed.json"),
            EventSources.AzureDevOps => Fixture.Text("azure-devops/build.complete.json").Replace("2025.07-hotfix", releaseId, StringComparison.Ordinal),
            _ => Fixture.Text("cdevents/testsuiterun-finished.json"),
        };
        return (Encoding.UTF8.GetBytes(text.Replace("release/2025.07", "release/" + releaseId, StringComparison.Ordinal)), releaseId);
    }

    private static Dictionary<string, string> Headers(string source, byte[] body, string secret) => source switch
    {
        EventSources.GitHub => Sign.GitHub(body, "check_suite", Guid.NewGuid().ToString(), secret),
        EventSources.AzureDevOps => Sign.AzureDevOps(secret),
        _ => Sign.CDEvents(body, EventsHarness.Now, secret),
    };
}
