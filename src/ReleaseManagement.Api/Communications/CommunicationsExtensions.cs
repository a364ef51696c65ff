using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ReleaseManagement.Azure.Notices;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Communications;

/// <summary>The notices' templates and composer, the webhook channels and the release notes route.</summary>
public static class CommunicationsExtensions
{
    public static IServiceCollection AddCommunications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CommunicationsOptions>()
            .Bind(configuration.GetSection(CommunicationsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<NoticeTemplateStore>();
        services.TryAddSingleton<INoticeComposer, NoticeComposer>();

        // Chat and JSON webhook channels (docs/communications.md, "Chat channels"): options, HTTP client with retries, adapter.
        services.TryAddSingleton<INoticeSummarizer, NoticeChannelSummary>();
        services.AddNoticeChannels(configuration);
        services.AddHostedService<NoticeChannelCheck>();
        services.AddSingleton<ReleaseNotesHandlers>();
        return services;
    }
}
