using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Activities;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Azure.Storage;
using ReleaseManagement.Azure.Tables;
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

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => StorageClients.FromConfiguration(configuration));
        services.AddSingleton<IReleaseStore>(sp => new TableReleaseStore(sp.GetRequiredService<StorageClients>().Tables));

        services.AddTransient<RecordReleaseStatus>();

        services.AddSingleton<ReleaseHandlers>();
        services.AddSingleton<DecisionHandlers>();
        services.AddApprovals(configuration);
        return services;
    }
}
