using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Activities;
using ReleaseManagement.Api.Webhooks;
using ReleaseManagement.Api.Approvals;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ReleaseManagement.Azure.Deployments;
using ReleaseManagement.Api.Metrics;
using ReleaseManagement.Azure.Storage;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api;

/// <summary>The composition root both hosts share: options, adapters, activities and handlers.</summary>
public static class Extensions
{
    public static IServiceCollection AddReleaseManagement(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReleaseOptions>()
            .Bind(configuration.GetSection(ReleaseOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // The release policy is loaded and validated here, at start-up: an invalid policy stops the host listing every error.
        services.AddSingleton(ReleasePolicyLoader.Load(configuration[ReleasePolicyLoader.PathSetting], AppContext.BaseDirectory));
        services.AddSingleton<PolicyHandlers>();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => StorageClients.FromConfiguration(configuration));
        services.AddSingleton<IReleaseStore>(sp => new TableReleaseStore(sp.GetRequiredService<StorageClients>().Tables));

        services.AddTransient<RecordReleaseStatus>();
        services.AddTransient<RequestDeployment>();
        services.AddTransient<CheckReleaseHealth>();
        services.AddTransient<SendReleaseNotice>();
        services.AddOptions<DeploymentOptions>().Bind(configuration.GetSection(DeploymentOptions.Section));
        services.AddHttpClient<IDeploymentPipeline, WebhookDeploymentPipeline>(c => c.Timeout = TimeSpan.FromSeconds(30));

        services.ConfigureHttpJsonOptions(o => ApiJson.Apply(o.SerializerOptions));
        services.AddSingleton<ReleaseHandlers>();
        services.AddSingleton<DecisionHandlers>();
        services.AddSingleton<ReleaseControlHandlers>();
        services.AddPipelineEvents(configuration);
        services.AddApprovals(configuration);
        services.AddMetrics(configuration);
        return services;
    }
}
