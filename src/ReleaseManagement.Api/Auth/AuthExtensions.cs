using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ReleaseManagement.Api.Auth;

/// <summary>Registers identity: <see cref="AuthOptions"/> (validated at start-up), the gate and the dev sign-in.</summary>
public static class AuthExtensions
{
    public static IServiceCollection AddAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>()
            .Bind(configuration.GetSection(AuthOptions.Section))
            .Validate(o => Enum.IsDefined(o.Mode), "Auth:Mode must be AppService or Development.")
            .ValidateOnStart();
        services.AddSingleton<AuthGate>();
        services.AddSingleton<DevSignIn>();
        return services;
    }
}
