using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ReleaseFunctions.TestSupport;
using ReleaseFunctions.Tests.Support;
using ReleaseManagement.Api;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Tools.ImportHistory;
using ReleaseManagement.Tools.ReplayPoison;

namespace ReleaseFunctions.Tests;

/// <summary>
/// Every program's composition root built as its entry point builds it, with the settings its docs show, and every service
/// the entry point resolves resolved: the Functions app (its triggers' classes, from functions.metadata, over
/// <see cref="Extensions.AddReleaseManagement"/> as its Program.cs composes it), the local host
/// (<see cref="ReleaseFunctions.LocalHost.LocalHostApplication"/>), the history import (<see cref="ImportHistoryComposition"/>)
/// and the poison replay (<see cref="ReplayPoisonComposition"/>). Nothing here connects to storage.
/// </summary>
public sealed class CompositionRootTests
{
    /// <summary>Environment-style settings (<c>Section__Key</c>) as configuration, as the environment provider reads them.</summary>
    private static IConfiguration Environment(IEnumerable<KeyValuePair<string, string?>> variables) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(variables.Select(v => KeyValuePair.Create(v.Key.Replace("__", ":", StringComparison.Ordinal), v.Value)))
            .Build();

    /// <summary>The two storage settings docs/import.md and scripts/replay-poison.sh show: a connection string, or an account name with an Azure login.</summary>
    public static TheoryData<string, string> StorageSettings() => new()
    {
        { "AzureWebJobsStorage", "UseDevelopmentStorage=true" },
        { "AzureWebJobsStorage__accountName", "releasefunctionsdocs" },
    };

    [Theory]
    [MemberData(nameof(StorageSettings))]
    public async Task ImportHistoryComposition_DocumentedSettings_ResolvesTheImporter(string storageSetting, string value)
    {
        // docs/import.md: storage, and a policy file (Policy__Path; the script passes config/release-policy.json when it exists).
        var configuration = Environment(new Dictionary<string, string?>
        {
            [storageSetting] = value,
            ["Policy__Path"] = Repo.Path("config", "release-policy.example.json"),
            ["Audit__SigningKeyId"] = AuditTestKeys.KeyId,
            ["Audit__SigningKeys__" + AuditTestKeys.KeyId] = Convert.ToBase64String(AuditTestKeys.Key),
        });

        await using var app = ImportHistoryComposition.Build(configuration);

        Assert.NotNull(app.Importer);
        Assert.Equal(app.Policy.TimeZone, app.Services.GetRequiredService<ReleaseManagement.Policy.ReleasePolicy>().TimeZone);
        Assert.Equal(EventStorageNames.DefaultTable, app.Services.GetRequiredService<EventStorageClients>().Names.Table);
    }

    [Fact]
    public async Task ImportHistoryComposition_RelativePolicyPath_ResolvesAgainstTheCurrentDirectory()
    {
        var configuration = Environment(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Policy__Path"] = Path.GetRelativePath(System.Environment.CurrentDirectory, Repo.Path("config", "release-policy.example.json")),
            ["Audit__SigningKeyId"] = AuditTestKeys.KeyId,
            ["Audit__SigningKeys__" + AuditTestKeys.KeyId] = Convert.ToBase64String(AuditTestKeys.Key),
        });

        await using var app = ImportHistoryComposition.Build(configuration);

        Assert.Equal(ReleaseManagement.Policy.ReleasePolicyLoader.Load(Repo.Path("config", "release-policy.example.json"), Repo.Root).TimeZone, app.Policy.TimeZone);
    }

    [Fact]
    public void ImportHistoryComposition_NoStorageSetting_FailsNamingTheSetting()
    {
        var thrown = Assert.Throws<InvalidOperationException>(() => ImportHistoryComposition.Build(Environment([])));

        Assert.Contains("AzureWebJobsStorage", thrown.Message);
    }

    [Theory]
    [MemberData(nameof(StorageSettings))]
    public async Task ReplayPoisonComposition_DocumentedSettings_ResolvesTheQueuesTheHostsUse(string storageSetting, string value)
    {
        var configuration = Environment(new Dictionary<string, string?> { [storageSetting] = value });

        await using var app = ReplayPoisonComposition.Build(configuration);
        await using var named = ReplayPoisonComposition.Build(ReplayPoisonComposition.Over(configuration, "other-events"));

        Assert.Equal((EventStorageNames.DefaultQueue, EventStorageNames.DefaultPoisonQueue), (app.Storage.Queue.Name, app.Storage.PoisonQueue.Name));
        Assert.Equal(("other-events", "other-events-poison"), (named.Storage.Queue.Name, named.Storage.PoisonQueue.Name));
    }

    /// <summary>The Functions app's settings as local.settings.example.json shows them (its "Values").</summary>
    private static IEnumerable<KeyValuePair<string, string?>> FunctionsExampleSettings() =>
        JsonNode.Parse(File.ReadAllText(Repo.Path("local.settings.example.json")))!["Values"]!.AsObject()
            .Select(p => KeyValuePair.Create(p.Key, (string?)p.Value!.ToString()));

    [Fact]
    public void FunctionsAppComposition_ExampleSettings_ValidatesAndResolvesEveryTriggerClass()
    {
        // Program.cs: FunctionsApplication.CreateBuilder (which needs the Functions host) + AddReleaseManagement. The same
        // extension on a plain host builder, with the example settings; then what the host does before the first trigger runs.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Configuration.AddConfiguration(Environment(FunctionsExampleSettings()));
        builder.Services.AddLogging().AddReleaseManagement(builder.Configuration);
        using var host = builder.Build();

        host.Services.GetService<IStartupValidator>()?.Validate();
        var classes = FunctionsAppTriggerClasses().ToList();
        Assert.Contains(classes, c => c.Name == "PipelineEvents"); // the metadata was read
        Assert.All(classes, c => Assert.NotNull(ActivatorUtilities.CreateInstance(host.Services, c)));
        AssertResolvesOwnServices(host.Services, builder.Services);
        AssertSetsUpEveryTableStoreAtStart(host.Services);
    }

    [Fact]
    public async Task LocalHostComposition_ItsDefaults_ValidatesAndResolvesEveryHostedServiceAndHandler()
    {
        await using var local = LocalHostComposition.Build(environment: Environments.Development);

        local.App.Services.GetService<IStartupValidator>()?.Validate();
        var hosted = local.App.Services.GetServices<IHostedService>().Select(s => s.GetType().Name).ToList();
        Assert.Contains(nameof(ReleaseFunctions.LocalHost.PipelineEventQueueListener), hosted);
        Assert.Contains(nameof(ReleaseFunctions.LocalHost.MetricsScheduler), hosted);
        AssertResolvesOwnServices(local.App.Services, local.Services);
        AssertSetsUpEveryTableStoreAtStart(local.App.Services);
    }

    /// <summary>
    /// The in-process sidecar sends no health pings, so the worker's silent-disconnect detection (on by default, two minutes)
    /// would drop an idle work-item stream, and a work item written in that moment would never be answered. The option is
    /// internal to Microsoft.DurableTask.Worker.Grpc (set through its <c>Internal</c> extensions): read by reflection, so a
    /// later package that moves it fails here rather than silently turning the detection back on.
    /// </summary>
    [Fact]
    public async Task LocalHostComposition_DurableWorker_HasNoSilentDisconnectDetection()
    {
        await using var local = LocalHostComposition.Build(environment: Environments.Development);

        var options = local.App.Services.GetRequiredService<IOptionsMonitor<Microsoft.DurableTask.Worker.Grpc.GrpcDurableTaskWorkerOptions>>().Get(Options.DefaultName);
        var flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        var internals = options.GetType().GetProperty("Internal", flags)?.GetValue(options);
        var timeout = internals?.GetType().GetProperty("SilentDisconnectTimeout", flags)?.GetValue(internals);

        Assert.NotNull(options.Channel);
        Assert.Equal(TimeSpan.Zero, Assert.IsType<TimeSpan>(timeout));
    }

    /// <summary>
    /// The classes holding the Functions app's triggers, from the functions.metadata the Functions host indexes (each
    /// function's <c>entryPoint</c> is Namespace.Class.Method), in the built app's assembly; static classes (orchestrators) have
    /// nothing to resolve.
    /// </summary>
    private static IEnumerable<Type> FunctionsAppTriggerClasses()
    {
        var assembly = Assembly.LoadFrom(Path.Combine(Repo.BuildOutput("ReleaseFunctions"), "ReleaseFunctions.dll"));
        return Support.FunctionsApp.Functions
            .Select(f => (string)f["entryPoint"]!)
            .Select(e => e[..e.LastIndexOf('.')])
            .Distinct(StringComparer.Ordinal)
            .Select(name => assembly.GetType(name, throwOnError: true)!)
            .Where(t => !(t.IsAbstract && t.IsSealed));
    }

    /// <summary>
    /// Every table store with a first-use setup (each <see cref="ReleaseManagement.Azure.Tables.IStorageWarmUp"/> of the
    /// storage adapters) is one the host sets up when it starts (<see cref="StorageWarmUp"/>, a hosted service): a store added
    /// without its <c>WarmUpAtStart</c> registration fails here.
    /// </summary>
    private static void AssertSetsUpEveryTableStoreAtStart(IServiceProvider provider)
    {
        Assert.Contains(provider.GetServices<IHostedService>(), s => s is StorageWarmUp);
        var warmed = provider.GetRequiredService<StorageWarmUp>().Stores().Select(s => s.GetType().Name).Order(StringComparer.Ordinal);
        var all = typeof(ReleaseManagement.Azure.Tables.IStorageWarmUp).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ReleaseManagement.Azure.Tables.IStorageWarmUp).IsAssignableFrom(t))
            .Select(t => t.Name).Order(StringComparer.Ordinal);
        Assert.Equal(all, warmed);
    }

    /// <summary>Every registration of the system's own types (handlers, jobs, adapters behind ports), each resolved.</summary>
    private static void AssertResolvesOwnServices(IServiceProvider provider, IServiceCollection registrations)
    {
        var own = registrations
            .Select(d => d.ServiceType)
            .Where(t => !t.IsGenericTypeDefinition && t.Assembly.GetName().Name is { } n && (n.StartsWith("ReleaseManagement", StringComparison.Ordinal) || n.StartsWith("ReleaseFunctions", StringComparison.Ordinal)))
            .Distinct()
            .ToList();
        Assert.NotEmpty(own);
        using var scope = provider.CreateScope();
        var failures = new List<string>();
        foreach (var type in own)
        {
            try
            {
                Assert.All(scope.ServiceProvider.GetServices(type), Assert.NotNull);
            }
            catch (Exception e) when (e is InvalidOperationException or OptionsValidationException)
            {
                failures.Add($"{type.FullName}: {e.Message}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(System.Environment.NewLine, failures));
    }
}
