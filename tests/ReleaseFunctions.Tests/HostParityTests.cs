using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReleaseFunctions.LocalHost;
using ReleaseFunctions.Tests.Support;
using ReleaseManagement;
using ReleaseManagement.Activities;
using ReleaseManagement.Api;
using ReleaseManagement.Api.Metrics;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;

namespace ReleaseFunctions.Tests;

/// <summary>
/// Both hosts held to one list: from the sources of truth (<see cref="ApiRoutes"/>, <see cref="ScheduledJobs"/>,
/// <see cref="OrchestratorNames"/>, <see cref="ActivityNames"/>, the pipeline event queue), the Functions app's generated
/// functions.metadata and the local host's composition (its endpoint table, its Durable registry, its scheduler and queue
/// listener) must each have every entry and nothing more. A route, timer, orchestrator or activity one host has and the
/// other lacks fails here.
/// </summary>
public sealed class HostParityTests : IAsyncLifetime
{
    private const string FunctionsApp = "the Functions app (functions.metadata)";
    private const string LocalHost = "the local host";

    private LocalHostComposition _local = null!;

    public ValueTask InitializeAsync()
    {
        _local = LocalHostComposition.Build();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _local.DisposeAsync();

    /// <summary>The string constants a names class declares: the source of truth for orchestrators and activities.</summary>
    public static IEnumerable<string> Constants(Type names) => StringConstants.Of(names);

    /// <summary>Every activity name: the constants of <see cref="ActivityNames"/>.</summary>
    public static IEnumerable<string> ActivityTruth() => Constants(typeof(ActivityNames));

    private static IEnumerable<string> FunctionsNamed(string triggerType) =>
        Support.FunctionsApp.Triggers(triggerType).Select(t => (string)t.Function["name"]!);

    private static IEnumerable<(string Route, IEnumerable<string> Methods)> FunctionsHttpRoutes() =>
        Support.FunctionsApp.Triggers("httpTrigger").Select(t =>
            ($"{ApiRoutes.Prefix}/{(string)t.Binding["route"]!}", t.Binding["methods"]!.AsArray().Select(m => ((string)m!).ToUpperInvariant())));

    /// <summary>Routes under the API prefix that only the local host serves, each in Development mode only (404 otherwise), and why.</summary>
    private static readonly Dictionary<string, string> DevelopmentOnlyLocalRoutes = new()
    {
        [$"{ApiRoutes.Prefix}/{ReleaseManagement.Api.Dashboard.PipelineSimulator.Route}"] =
            "the pipeline simulator posts signed deliveries to the host's own webhook with its development secret; the Functions app runs in Azure",
    };

    private IEnumerable<(string Route, IEnumerable<string> Methods)> AllLocalApiRoutes() =>
        _local.HttpEndpoints()
            .Where(e => e.Route.StartsWith(ApiRoutes.Prefix + "/", StringComparison.Ordinal))
            .Select(e => (e.Route, e.Methods.AsEnumerable()));

    private IEnumerable<(string Route, IEnumerable<string> Methods)> LocalApiRoutes() =>
        AllLocalApiRoutes().Where(r => !DevelopmentOnlyLocalRoutes.ContainsKey(r.Route));

    private static Dictionary<string, IEnumerable<string>> Hosts(IEnumerable<string> functionsApp, IEnumerable<string> localHost) =>
        new() { [FunctionsApp] = functionsApp.ToList(), [LocalHost] = localHost.ToList() };

    [Fact]
    public void Routes_BothHosts_ServeEveryApiRouteAndNoOther()
    {
        // The local host's /dev/mailbox lies outside the API prefix on purpose: it is a local-only page.
        HostParity.AssertNone(HostParity.Differences(
            "route",
            ApiRoutes.All.Select(r => $"{ApiRoutes.Prefix}/{r}"),
            Hosts(FunctionsHttpRoutes().Select(r => r.Route), LocalApiRoutes().Select(r => r.Route))));
    }

    [Fact]
    public void DevelopmentOnlyRoutes_AreServedByTheLocalHostOnly()
    {
        var local = AllLocalApiRoutes().Select(r => r.Route).ToHashSet(StringComparer.Ordinal);
        var functions = FunctionsHttpRoutes().Select(r => r.Route).ToHashSet(StringComparer.Ordinal);

        Assert.All(DevelopmentOnlyLocalRoutes.Keys, route =>
        {
            Assert.Contains(route, local);
            Assert.DoesNotContain(route, functions);
            Assert.DoesNotContain(route, ApiRoutes.All.Select(r => $"{ApiRoutes.Prefix}/{r}"));
        });
    }

    [Fact]
    public void RouteMethods_LocalHost_AnswersTheSameMethodsAsTheFunctionsApp()
    {
        static IEnumerable<string> Pairs(IEnumerable<(string Route, IEnumerable<string> Methods)> routes) =>
            routes.SelectMany(r => r.Methods.Select(m => $"{m} {r.Route}"));

        HostParity.AssertNone(HostParity.Differences("endpoint", Pairs(FunctionsHttpRoutes()), new Dictionary<string, IEnumerable<string>>
        {
            [LocalHost] = Pairs(LocalApiRoutes()).ToList(),
        }));
    }

    [Fact]
    public void Timers_BothHosts_RunEveryScheduledJobOnItsSetting()
    {
        var scheduler = ActivatorUtilities.CreateInstance<MetricsScheduler>(_local.App.Services);
        Assert.Contains(typeof(MetricsScheduler), _local.HostedServices());

        HostParity.AssertNone(HostParity.Differences(
            "timer",
            ScheduledJobs.All.Select(j => $"{j.Name} {j.TimerTriggerSchedule}"),
            Hosts(
                Support.FunctionsApp.Triggers("timerTrigger").Select(t => $"{(string)t.Function["name"]!} {(string)t.Binding["schedule"]!}"),
                scheduler.Jobs.Select(j => $"{j.Name} {j.TimerTriggerSchedule}"))));
    }

    [Fact]
    public void Orchestrators_BothHosts_RegisterEveryOrchestratorName()
    {
        HostParity.AssertNone(HostParity.Differences(
            "orchestrator",
            Constants(typeof(OrchestratorNames)),
            Hosts(FunctionsNamed("orchestrationTrigger"), _local.Orchestrators())));
    }

    [Fact]
    public void Activities_BothHosts_RegisterEveryActivityName()
    {
        HostParity.AssertNone(HostParity.Differences(
            "activity",
            ActivityTruth(),
            Hosts(FunctionsNamed("activityTrigger"), _local.Activities())));
    }

    [Fact]
    public void QueueTriggers_BothHosts_ListenOnThePipelineEventQueue()
    {
        var local = _local.HostedServices().Contains(typeof(PipelineEventQueueListener))
            ? [_local.App.Services.GetRequiredService<EventStorageClients>().Names.Queue]
            : Array.Empty<string>();

        HostParity.AssertNone(HostParity.Differences(
            "queue trigger",
            [EventStorageNames.DefaultQueue],
            Hosts(Support.FunctionsApp.Triggers("queueTrigger").Select(t => (string)t.Binding["queueName"]!), local)));
    }

    /// <summary>Options of the local queue loop with no host.json counterpart, and why.</summary>
    private static readonly Dictionary<string, string> LocalOnlyQueueOptions = new()
    {
        [nameof(QueuePumpOptions.LeaseTime)] = "the Functions host holds a message for its own visibility period and renews it; the loop takes it for this long",
        [nameof(QueuePumpOptions.MaxPollingInterval)] = "the Functions host backs off to its own maxPollingInterval (1 min by default); the local loop polls faster so a developer sees an event at once",
    };

    [Fact]
    public void QueueSettings_HostJsonAndLocalQueueOptions_Agree()
    {
        var queues = Support.FunctionsApp.HostJson["extensions"]!["queues"]!.AsObject();
        var local = _local.App.Services.GetRequiredService<IOptions<QueuePumpOptions>>().Value;
        var defaults = new QueuePumpOptions();

        // Every option of the local queue loop is either a host.json queue setting (same value) or local-only (with why).
        var mapped = new Dictionary<string, (string HostJson, Func<QueuePumpOptions, string> Value)>
        {
            [nameof(QueuePumpOptions.MaxDequeueCount)] = ("maxDequeueCount", o => o.MaxDequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            [nameof(QueuePumpOptions.RetryDelay)] = ("visibilityTimeout", o => o.RetryDelay.ToString("c")),
            [nameof(QueuePumpOptions.BatchSize)] = ("batchSize", o => o.BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            [nameof(QueuePumpOptions.NewBatchThreshold)] = ("newBatchThreshold", o => o.NewBatchThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        Assert.Equal(
            typeof(QueuePumpOptions).GetProperties().Select(p => p.Name).Order(StringComparer.Ordinal),
            mapped.Keys.Concat(LocalOnlyQueueOptions.Keys).Order(StringComparer.Ordinal));

        Assert.All(mapped, m =>
        {
            var hostJson = queues[m.Value.HostJson]?.ToString();
            Assert.True(hostJson == m.Value.Value(defaults), $"host.json queues.{m.Value.HostJson} is {hostJson ?? "absent"}, QueuePumpOptions.{m.Key} defaults to {m.Value.Value(defaults)}");
            Assert.Equal(m.Value.Value(defaults), m.Value.Value(local));
        });
    }

    [Fact]
    public void HostJson_RoutePrefix_IsTheApiPrefix()
    {
        var prefix = Support.FunctionsApp.HostJson["extensions"]?["http"]?["routePrefix"]?.ToString() ?? "api";

        Assert.Equal(ApiRoutes.Prefix, prefix);
    }

    [Fact]
    public void Differences_AHostMissingAnEntry_ReportsThatEntryAndHost()
    {
        string[] truth = ["ReleaseOrchestrator", "ReleaseCommunications", "ReleaseWatch"];

        var differences = HostParity.Differences("orchestrator", truth, Hosts(truth, truth.Take(2)));

        Assert.Equal(["orchestrator 'ReleaseWatch' is missing from the local host"], differences);
    }

    [Fact]
    public void Differences_AHostWithAnExtraEntry_ReportsThatEntryAndHost()
    {
        string[] truth = ["GET api/health"];

        var differences = HostParity.Differences("endpoint", truth, Hosts(truth.Append("POST api/health"), truth));

        Assert.Equal([$"endpoint 'POST api/health' is in {FunctionsApp} but not in the source of truth"], differences);
    }

    [Fact]
    public void Differences_ARealHostListMissingOneActivity_ReportsIt()
    {
        // The comparison fed the local host's real registrations with one dropped, as if a registration were forgotten.
        var registered = _local.Activities().ToList();
        var dropped = registered[^1];

        var differences = HostParity.Differences("activity", ActivityTruth(), Hosts(ActivityTruth(), registered.Take(registered.Count - 1)));

        Assert.Equal([$"activity '{dropped}' is missing from the local host"], differences);
    }
}
