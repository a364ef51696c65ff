using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Approvals;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Tests;

/// <summary>One external event the recording orchestration received, with its payload read as the contract type.</summary>
public sealed record Received(
    string Name,
    CancelRequest? Cancel = null,
    RescheduleRequest? Reschedule = null,
    CanonicalEvent? Pipeline = null,
    ApprovalDecision? Approval = null,
    RollbackRequest? Rollback = null,
    OutageDecision? Outage = null);

/// <summary>An answer of a handler: status, headers and the JSON body.</summary>
public sealed record Answer(int Status, string? ContentType, IHeaderDictionary Headers, JsonNode? Body)
{
    public string? Str(string name) => Body?[name]?.ToString();

    /// <summary>The messages of a validation problem's field.</summary>
    public IReadOnlyList<string> Errors(string field) =>
        Body?["errors"]?[field]?.AsArray().Select(m => m!.GetValue<string>()).ToArray() ?? [];

    public IReadOnlyList<string> ErrorFields => Body?["errors"]?.AsObject().Select(e => e.Key).ToArray() ?? [];

    public override string ToString() => $"{Status} {Body?.ToJsonString()}";
}

/// <summary>
/// The real composition (<c>AddReleaseManagement</c>) on Azurite, with a fake clock and the in-process Durable engine, whose
/// orchestration registered under <see cref="OrchestratorNames.Release"/> records every cancel, reschedule, pipeline and
/// approval event it receives until it is told to stop, and returns them: so a test sees exactly what was raised.
/// </summary>
public sealed class ApiHarness : IAsyncDisposable
{
    public const string StopEvent = "test-stop";

    /// <summary>Tells the recording orchestration to show this <see cref="OutageStatus"/> as its custom status (as a release waiting out an outage does).</summary>
    public const string ShowOutageEvent = "test-show-outage";
    public static readonly string ApproversJson = JsonSerializer.Serialize(ValidRelease.Approvers);

    /// <summary>The CDEvents webhook secret of the harness's composition (TelemetryTests sign deliveries with it).</summary>
    public const string CDEventsSecret = "api-cdevents-secret-0123456789";

    private ApiHarness(DurableTaskTestHost durable, ServiceProvider services, FakeTimeProvider time, EventStorageNames names, string system)
    {
        System = system;
        Durable = durable;
        Services = services;
        Time = time;
        Names = names;
    }

    public DurableTaskTestHost Durable { get; }

    /// <summary>
    /// The system of this harness's own (in its policy; <see cref="OwnSystem"/>) that <see cref="StartReleaseAsync"/> uses,
    /// so no other test's release shares its window: every harness writes the same Releases table on the one Azurite.
    /// </summary>
    public string System { get; }

    /// <summary>
    /// The systems the harnesses of this test process hand out, one each. Every harness's policy lists them all, so harnesses
    /// on the same base policy run under one policy (one snapshot, as in production) rather than one each.
    /// </summary>
    private static readonly OwnSystems Systems = new("api", 400);

    public DurableTaskClient Client => Durable.Client;

    public ServiceProvider Services { get; }

    public FakeTimeProvider Time { get; }

    public EventStorageNames Names { get; }

    public ReleaseHandlers Releases => Services.GetRequiredService<ReleaseHandlers>();

    public CancelHandler Cancel => Services.GetRequiredService<CancelHandler>();

    public RescheduleHandler Reschedule => Services.GetRequiredService<RescheduleHandler>();

    public MilestoneHandler Milestones => Services.GetRequiredService<MilestoneHandler>();

    public EvidenceHandler Evidence => Services.GetRequiredService<EvidenceHandler>();

    public RollbackHandler Rollback => Services.GetRequiredService<RollbackHandler>();

    public OutageDecisionHandler Outage => Services.GetRequiredService<OutageDecisionHandler>();

    public ResumeHandler Resume => Services.GetRequiredService<ResumeHandler>();

    public DecisionHandlers Decisions => Services.GetRequiredService<DecisionHandlers>();

    public IReleaseStore Store => Services.GetRequiredService<IReleaseStore>();

    public IPipelineEventStore Events => Services.GetRequiredService<IPipelineEventStore>();

    public ReleasePolicy Policy => Services.GetRequiredService<ReleasePolicy>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string AzuriteConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable("AZURITE_CONNECTION_STRING");
            Assert.SkipWhen(string.IsNullOrEmpty(value), "AZURITE_CONNECTION_STRING is not set: run through scripts/test.sh.");
            return value!;
        }
    }

    /// <param name="policy">A policy other than the built-in one.</param>
    /// <param name="requireSignedIn">Approvals:RequireSignedInApprover.</param>
    /// <param name="requestMayNameApprovers">
    /// The policy's access.requestMayNameApprovers: on by default here, since the tests' requests name the shared test
    /// approvers (<see cref="ReleaseFunctions.TestSupport.ValidRelease.Approvers"/>) whom the built-in directory does not name.
    /// </param>
    /// <param name="peopleMayReportMachineEvidence">
    /// The policy's access.peopleMayReportMachineEvidence: on by default here, since the tests give gate evidence through the
    /// API; the tests of the rule itself turn it off (the built-in default).
    /// </param>
    /// <param name="requesterMayApprove">Approvals:RequesterMayApprove (the four-eyes switch for small teams).</param>
    /// <param name="lifecycle">Run the real release lifecycle (<see cref="ReleaseTasks.AddReleaseTasks"/>, its activities from
    /// this composition) instead of the recording orchestration.</param>
    /// <param name="orchestrators">More orchestrators for the engine (e.g. a stand-in communication timeline).</param>
    public static async Task<ApiHarness> StartAsync(
        ReleasePolicy? policy = null, bool requireSignedIn = false, bool requestMayNameApprovers = true, bool requesterMayApprove = false,
        bool lifecycle = false, bool peopleMayReportMachineEvidence = true, Action<DurableTaskRegistry>? orchestrators = null)
    {
        policy ??= ReleasePolicyDefaults.Create();
        policy = policy with { Access = policy.Access with { RequestMayNameApprovers = requestMayNameApprovers, PeopleMayReportMachineEvidence = peopleMayReportMachineEvidence } };
        var names = EventStorageNames.Unique("api");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = AzuriteConnectionString,
            ["PipelineEvents:Table"] = names.Table,
            ["PipelineEvents:Queue"] = names.Queue,
            ["PipelineEvents:Container"] = names.Container,
            ["Approvals:PublicBaseUrl"] = "http://approvals.test",
            ["Approvals:FormKey"] = Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i + 1)).ToArray()),
            ["Approvals:RequireSignedInApprover"] = requireSignedIn ? "true" : "false",
            ["Approvals:RequesterMayApprove"] = requesterMayApprove ? "true" : "false",
            ["Email:Transport"] = "File",
            ["Email:From"] = "releases@example.com",
            ["Email:FileDirectory"] = Path.Combine(Path.GetTempPath(), "api-tests-mail-" + Guid.NewGuid().ToString("N")),
            ["Webhooks:CDEvents:Secrets:0"] = CDEventsSecret,
        }).AddInMemoryCollection(ReleaseFunctions.TestSupport.AuditTestKeys.Settings).Build();

        // The clock starts at the real time (requests are checked against the policy relative to today), to the second.
        var now = DateTimeOffset.UtcNow;
        var time = new FakeTimeProvider(new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero));
        var system = Systems.Next();
        var published = new PublishedEvents();
        var services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IReleaseEventPublisher>(published)
            .AddReleaseManagement(configuration)
            .AddSingleton<TimeProvider>(time)
            .AddSingleton(OwnSystem.AddTo(policy, Systems.Names));

        var provider = services.BuildServiceProvider();
        var durable = await ReleaseFunctions.TestSupport.InProcessEngine.StartAsync(
            r =>
            {
                if (lifecycle)
                {
                    r.AddReleaseTasks();
                }
                else
                {
                    r.AddOrchestratorFunc<ReleaseOrchestrationInput, List<Received>>(OrchestratorNames.Release, RecordAsync);
                }

                orchestrators?.Invoke(r);
            },
            logs: null,
            configureServices: lifecycle ? s => ForwardActivities(s, provider) : null,
            cancellationToken: Ct);
        return new ApiHarness(durable, provider, time, names, system) { Published = published };
    }

    /// <summary>The release events the lifecycle published (with <c>lifecycle: true</c>).</summary>
    public PublishedEvents Published { get; private init; } = new();

    /// <summary>Records every release event published.</summary>
    public sealed class PublishedEvents : IReleaseEventPublisher
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<ReleaseEvent> _events = new();

        public IReadOnlyList<ReleaseEvent> Of(string releaseId) => _events.Where(e => e.ReleaseId == releaseId).ToArray();

        public Task PublishAsync(ReleaseEvent evt, CancellationToken cancellationToken = default)
        {
            _events.Enqueue(evt);
            return Task.CompletedTask;
        }
    }

    /// <summary>The activities the lifecycle calls, resolved from the composition (its stores, mail and pipeline).</summary>
    private static void ForwardActivities(IServiceCollection services, ServiceProvider provider)
    {
        services.AddTransient(_ => provider.GetRequiredService<ReleaseManagement.Activities.RequestDeployment>());
        services.AddTransient(_ => provider.GetRequiredService<ReleaseManagement.Activities.CheckReleaseHealth>());
        services.AddTransient(_ => provider.GetRequiredService<ReleaseManagement.Activities.SendReleaseNotice>());
        services.AddTransient(_ => provider.GetRequiredService<ReleaseManagement.Activities.RecordReleaseStatus>());
        services.AddTransient(_ => provider.GetRequiredService<ReleaseManagement.Activities.RequestApprovals>());
        services.AddTransient(_ => provider.GetRequiredService<ReleaseManagement.Activities.CloseApprovalStage>());
        services.AddTransient(_ => provider.GetRequiredService<ReleaseManagement.Activities.PublishReleaseEvent>());
    }

    private static async Task<List<Received>> RecordAsync(TaskOrchestrationContext context, ReleaseOrchestrationInput input)
    {
        var received = new List<Received>();
        var stop = context.WaitForExternalEvent<bool>(StopEvent);
        var cancel = context.WaitForExternalEvent<CancelRequest>(ReleaseEventNames.Cancel);
        var reschedule = context.WaitForExternalEvent<RescheduleRequest>(ReleaseEventNames.Reschedule);
        var pipeline = context.WaitForExternalEvent<CanonicalEvent>(ReleaseEventNames.Pipeline);
        var approval = context.WaitForExternalEvent<ApprovalDecision>(ReleaseEventNames.Approval);
        var rollback = context.WaitForExternalEvent<RollbackRequest>(ReleaseEventNames.Rollback);
        var outage = context.WaitForExternalEvent<OutageDecision>(ReleaseEventNames.Outage);
        var show = context.WaitForExternalEvent<OutageStatus>(ShowOutageEvent);
        while (true)
        {
            var next = await Task.WhenAny(stop, cancel, reschedule, pipeline, approval, rollback, outage, show);
            if (next == stop)
            {
                return received;
            }

            if (next == show)
            {
                context.SetCustomStatus(new ReleaseCustomStatus(await show));
                show = context.WaitForExternalEvent<OutageStatus>(ShowOutageEvent);
                continue;
            }

            if (next == outage)
            {
                received.Add(new(ReleaseEventNames.Outage, Outage: await outage));
                outage = context.WaitForExternalEvent<OutageDecision>(ReleaseEventNames.Outage);
                continue;
            }

            if (next == cancel)
            {
                received.Add(new(ReleaseEventNames.Cancel, Cancel: await cancel));
                cancel = context.WaitForExternalEvent<CancelRequest>(ReleaseEventNames.Cancel);
            }
            else if (next == reschedule)
            {
                received.Add(new(ReleaseEventNames.Reschedule, Reschedule: await reschedule));
                reschedule = context.WaitForExternalEvent<RescheduleRequest>(ReleaseEventNames.Reschedule);
            }
            else if (next == pipeline)
            {
                received.Add(new(ReleaseEventNames.Pipeline, Pipeline: await pipeline));
                pipeline = context.WaitForExternalEvent<CanonicalEvent>(ReleaseEventNames.Pipeline);
            }
            else if (next == rollback)
            {
                received.Add(new(ReleaseEventNames.Rollback, Rollback: await rollback));
                rollback = context.WaitForExternalEvent<RollbackRequest>(ReleaseEventNames.Rollback);
            }
            else
            {
                received.Add(new(ReleaseEventNames.Approval, Approval: await approval));
                approval = context.WaitForExternalEvent<ApprovalDecision>(ReleaseEventNames.Approval);
            }
        }
    }

    public static string NewId(string prefix = "api") => $"{prefix}-{Guid.NewGuid():N}"[..24];

    /// <summary>Requests a valid release through <c>POST /api/releases</c> and waits until its (recording) orchestration runs.</summary>
    /// <param name="requestedBy">Who requests it (omitted when null).</param>
    /// <param name="approversJson">The request's <c>approvers</c> (default <see cref="ApproversJson"/>).</param>
    public async Task<string> StartReleaseAsync(
        string type = "Minor", string? targetDate = null, string? system = null, string? requestedBy = null, string? approversJson = null)
    {
        system ??= System;
        var id = NewId();
        var date = targetDate ?? ValidRelease.TargetDate();
        var requester = requestedBy is null ? "" : $$""", "requestedBy": "{{requestedBy}}" """;
        var answer = await CallAsync(
            r => Releases.CreateAsync(r, Client, Ct),
            $$"""{ "id": "{{id}}", "title": "Lifecycle {{id}}", "type": "{{type}}", "systems": ["{{system}}"], "targetDate": "{{date}}", "approvers": {{approversJson ?? ApproversJson}}{{requester}} }""");
        Assert.True(answer.Status == 202, $"creating the release answered {answer}");
        await Client.WaitForInstanceStartAsync(id, Ct);
        return id;
    }

    /// <summary>Stops the recording orchestration and returns what it received.</summary>
    public async Task<List<Received>> ReceivedAsync(string releaseId)
    {
        await Client.RaiseEventAsync(releaseId, StopEvent, true, Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var done = await Client.WaitForInstanceCompletionAsync(releaseId, getInputsAndOutputs: true, timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        return done.ReadOutputAs<List<Received>>()!;
    }

    /// <summary>Ends the release's orchestration (so it is no longer running) and checks it received nothing.</summary>
    public async Task EndAsync(string releaseId) => Assert.Empty(await ReceivedAsync(releaseId));

    /// <summary>Runs a handler on a request with <paramref name="json"/> as its body and reads the answer.</summary>
    public async Task<Answer> CallAsync<TResult>(
        Func<HttpRequest, Task<TResult>> handler,
        string? json = null,
        string? query = null,
        string? principal = null,
        string method = "POST",
        string? principalHeader = null)
        where TResult : IResult
    {
        var context = new DefaultHttpContext { RequestServices = Services };
        context.Request.Method = method;
        if (json is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            context.Request.ContentType = "application/json";
            context.Request.ContentLength = bytes.Length;
            context.Request.Body = new MemoryStream(bytes);
        }

        if (query is not null)
        {
            context.Request.QueryString = new QueryString(query);
        }

        if (principal is not null || principalHeader is not null)
        {
            context.Request.Headers[AppServicePrincipal.Header] = new StringValues(principalHeader ?? AppServicePrincipal.Encode(principal!));
        }

        using var body = new MemoryStream();
        context.Response.Body = body;
        var result = await handler(context.Request);
        await result.ExecuteAsync(context);
        var text = Encoding.UTF8.GetString(body.ToArray());
        return new Answer(context.Response.StatusCode, context.Response.ContentType, context.Response.Headers, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            var storage = Services.GetRequiredService<EventStorageClients>();
            await storage.Tables.DeleteTableAsync(Names.Table);
        }
        catch (Exception)
        {
            // Best effort: Azurite runs in memory for the test run.
        }

        await Services.DisposeAsync();
        await Durable.DisposeAsync();
    }
}
