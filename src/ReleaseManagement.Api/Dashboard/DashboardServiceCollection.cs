using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ReleaseManagement.Api.Dashboard;

public static class DashboardServiceCollection
{
    /// <summary>The dashboard's reader and handlers; needs what <c>AddReleaseManagement</c> registers (stores, policy, clock).</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.TryAddSingleton<DashboardReader>();
        services.TryAddSingleton<DashboardActions>();
        services.TryAddSingleton<DashboardHandlers>();
        services.TryAddSingleton<DelegationPages>();
        return services;
    }
}
