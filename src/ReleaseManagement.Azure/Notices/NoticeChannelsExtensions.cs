using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Notices;

/// <summary>Registers the chat and JSON webhook channels (<see cref="WebhookNoticeChannels"/>) and their HTTP client's retries.</summary>
public static class NoticeChannelsExtensions
{
    public const string HttpClientName = "notice-channels";

    /// <summary>
    /// Binds and validates <see cref="NoticeChannelOptions"/> at start-up and registers <see cref="INoticeChannels"/> (with
    /// <c>TryAdd</c>). Needs an <see cref="INoticeSummarizer"/> and a <see cref="TimeProvider"/> registered. Each post is
    /// bounded by <see cref="NoticeChannelOptions.TotalTimeout"/>; within it, 408, 429, 5xx, network errors and attempt
    /// timeouts are retried with exponential backoff and jitter from <see cref="NoticeChannelOptions.FirstRetryDelay"/>,
    /// honouring <c>Retry-After</c>; other answers are final.
    /// </summary>
    public static IServiceCollection AddNoticeChannels(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NoticeChannelOptions>()
            .Bind(configuration.GetSection(NoticeChannelOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // The client never times out by itself: the pipeline's total timeout bounds a post, its retries included.
        services.AddHttpClient(HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .AddResilienceHandler(HttpClientName, static (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<NoticeChannelOptions>>().Value;
                pipeline
                    .AddTimeout(options.TotalTimeout)
                    .AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = options.MaxRetries,
                        Delay = options.FirstRetryDelay,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        MaxDelay = options.TotalTimeout,
                        ShouldRetryAfterHeader = true,
                    })
                    .AddTimeout(options.AttemptTimeout);
            });
        services.TryAddSingleton<INoticeChannels, WebhookNoticeChannels>();
        return services;
    }
}
