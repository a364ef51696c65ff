using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Activities;
using ReleaseManagement.Api.Webhooks;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Dashboard;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ReleaseManagement.Azure.Deployments;
using ReleaseManagement.Azure.FeatureFlags;
using ReleaseManagement.Api.Metrics;
using ReleaseManagement.Azure.Storage;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>
/// The composition root both hosts share: options, adapters, activities and handlers. Each area has its own
/// <c>Add...</c> method in an <c>...Extensions</c> class beside it (<see cref="Webhooks.PipelineEventsExtensions.AddPipelineEvents"/>,
/// <see cref="Approvals.ApprovalsExtensions.AddApprovals"/>, <see cref="Metrics.MetricsExtensions.AddMetrics"/>), written alike:
/// options are bound and validated at start-up; the clock and the adapters behind ports are registered with <c>TryAdd</c>, so
/// a host or a test that registers its own first keeps it; handlers, activities and services are added plainly. The clock
/// (<see cref="TimeProvider"/>) is registered here only.
/// </summary>
public static class Extensions
{
    public static IServiceCollection AddReleaseManagement(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ReleaseOptions>()
            .Bind(configuration.GetSection(ReleaseOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // The release policy is loaded and validated here, at start-up: an invalid policy stops the host listing every error.
        // (TryAdd: a test that registered its own policy first keeps it; the file is still loaded and validated.)
        services.TryAddSingleton(ReleasePolicyLoader.Load(configuration[ReleasePolicyLoader.PathSetting], AppContext.BaseDirectory));
        services.AddSingleton<PolicyHandlers>();
        // The captured policies (IPolicySnapshots, ReleasePolicies) are registered by AddPipelineEvents below: the webhooks
        // judge a pipeline's report by the policy its release runs under.

        services.TryAddSingleton(_ => StorageClients.FromConfiguration(configuration));
        services.TryAddSingleton<IReleaseStore>(sp => new TableReleaseStore(sp.GetRequiredService<StorageClients>().Tables, time: sp.GetService<TimeProvider>()));
        // The table stores a first request reads set themselves up when the instance starts (each area names its own).
        services.AddStorageWarmUp().WarmUpAtStart<IReleaseStore>();
        services.AddOptions<Audit.AuditOptions>()
            .Bind(configuration.GetSection(Audit.AuditOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Audit.AuditOptions>>().Value.ToKeys());
        services.TryAddSingleton<IAuditCheckpoints>(sp => new ReleaseManagement.Azure.Audit.BlobAuditCheckpoints(
            sp.GetRequiredService<ReleaseManagement.Azure.Events.EventStorageClients>().Blobs.GetBlobContainerClient(ReleaseManagement.Azure.Audit.BlobAuditCheckpoints.DefaultContainer)));
        // The period index of the audit trail: marks in the same write-once container, written before each row.
        services.TryAddSingleton<IAuditActivity>(sp => new ReleaseManagement.Azure.Audit.BlobAuditActivity(
            sp.GetRequiredService<ReleaseManagement.Azure.Events.EventStorageClients>().Blobs.GetBlobContainerClient(ReleaseManagement.Azure.Audit.BlobAuditCheckpoints.DefaultContainer),
            sp.GetRequiredService<StorageClients>().Tables));
        services.TryAddSingleton<IAuditTrail>(sp => new ReleaseManagement.Audit.CheckpointedAuditTrail(
            new TableAuditTrail(sp.GetRequiredService<StorageClients>().Tables, sp.GetRequiredService<ReleaseManagement.Audit.AuditKeys>()),
            sp.GetRequiredService<IAuditCheckpoints>(),
            sp.GetRequiredService<IAuditActivity>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ReleaseManagement.Audit.AuditPeriodExport>();
        services.AddSingleton<Audit.AuditRecorder>();
        services.AddSingleton<Audit.AuditHandlers>();
        services.AddSingleton<ReleaseManagement.Audit.AuditManifestJob>();

        services.AddTransient<AdmissionWriter>();
        services.AddTransient<RecordReleaseStatus>();
        services.AddTransient<RequestDeployment>();
        services.AddTransient<CheckReleaseHealth>();
        services.AddTransient<AnalyseCanary>();
        services.TryAddSingleton<ISendClaims>(sp => new TableSendClaims(sp.GetRequiredService<StorageClients>().Tables));
        services.AddTransient<SendOnce>();
        services.AddTransient<SendReleaseNotice>();
        services.AddTransient<CheckConfirmation>();
        services.AddOptions<DeploymentOptions>().Bind(configuration.GetSection(DeploymentOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient<IDeploymentPipeline, WebhookDeploymentPipeline>((sp, c) => c.Timeout = sp.GetRequiredService<IOptions<DeploymentOptions>>().Value.Timeout);
        services.AddFeatureFlags(configuration);
        services.AddTransient<SetFeatureFlag>();

        services.ConfigureHttpJsonOptions(o => ApiJson.Apply(o.SerializerOptions));
        services.AddProblemDetails();
        services.AddExceptionHandler<UnhandledProblems>();
        services.AddSingleton<ReleaseHandlers>();
        services.AddSingleton<DecisionHandlers>();
        services.AddSingleton<ManualEventRaiser>();
        services.AddSingleton<ReleaseControl>();
        services.AddSingleton<CancelHandler>();
        services.AddSingleton<RescheduleHandler>();
        services.AddSingleton<MilestoneHandler>();
        services.AddSingleton<EvidenceHandler>();
        services.AddSingleton<RollbackHandler>();
        services.AddSingleton<OutageDecisionHandler>();
        services.AddSingleton<StrandedReleases>();
        services.AddOptions<HistoryOptions>()
            .Bind(configuration.GetSection(HistoryOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<HistoryPurge>();
        services.AddSingleton<ResumeHandler>();
        services.TryAddSingleton<IDelegationStore>(sp => new TableDelegationStore(sp.GetRequiredService<StorageClients>().Tables));
        services.AddSingleton<DelegationHandlers>();
        services.TryAddSingleton<IFeedbackStore>(sp => new TableFeedbackStore(sp.GetRequiredService<StorageClients>().Tables));
        services.AddSingleton<Feedback.FeedbackLinks>();
        services.AddSingleton<IFeedbackLinks>(sp => sp.GetRequiredService<Feedback.FeedbackLinks>());
        services.AddSingleton<Feedback.FeedbackHandlers>();
        services.AddSingleton<ObjectiveHandlers>();
        services.AddPipelineEvents(configuration);
        services.AddApprovals(configuration);
        Auth.AuthExtensions.AddAuth(services, configuration);
        services.AddMetrics(configuration);
        services.AddDashboard();
        Communications.CommunicationsExtensions.AddCommunications(services, configuration);
        return services;
    }
}
