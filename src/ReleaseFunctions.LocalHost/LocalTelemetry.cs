using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ReleaseManagement.Configuration;
using ReleaseManagement.Telemetry;

namespace ReleaseFunctions.LocalHost;

/// <summary>
/// Settings under <c>OpenTelemetry</c>, and the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>: where the local host exports
/// its traces and metrics (README, "Telemetry on this machine"). Neither set: nothing is exported.
/// </summary>
[LocalOnlySetting("The Functions app exports to Application Insights (APPLICATIONINSIGHTS_CONNECTION_STRING); only the local host has these exporters.")]
public sealed class LocalTelemetryOptions
{
    public const string Section = "OpenTelemetry";

    /// <summary>The OpenTelemetry SDK's own setting for the OTLP endpoint, read from the environment (or any configuration source).</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Write every span and metric to the console (<c>OpenTelemetry__Console=true</c>).</summary>
    public bool Console { get; set; }

    /// <summary>The OTLP endpoint (<see cref="OtlpEndpointSetting"/>), e.g. <c>http://localhost:4317</c>; null: no OTLP export.</summary>
    [LocalOnlySetting("Bound from OTEL_EXPORTER_OTLP_ENDPOINT, not from OpenTelemetry__OtlpEndpoint.")]
    public string? OtlpEndpoint { get; set; }

    public static LocalTelemetryOptions Read(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<LocalTelemetryOptions>() ?? new LocalTelemetryOptions();
        options.OtlpEndpoint = string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]) ? null : configuration[OtlpEndpointSetting]!.Trim();
        return options;
    }

    /// <summary>Whether <see cref="OtlpEndpoint"/> is absent or an absolute http(s) URL.</summary>
    public bool HasValidOtlpEndpoint() =>
        OtlpEndpoint is null
        || (Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps));
}

/// <summary>The local host's OpenTelemetry: the app's source and meter, the Durable Task SDK's spans, ASP.NET Core and HttpClient.</summary>
public static class LocalTelemetry
{
    /// <summary>The service name the local host's telemetry carries.</summary>
    public const string ServiceName = "ReleaseFunctions.LocalHost";

    /// <summary>
    /// Registers tracing and metrics with the exporters the settings ask for: the console exporter with
    /// <c>OpenTelemetry__Console=true</c>, the OTLP exporter when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Neither: no
    /// OpenTelemetry at all, so nothing samples the host's (and its Durable sidecar's) requests and storage calls for no
    /// reader. An endpoint that is not an http(s) URL fails the start-up with a message naming the setting.
    /// </summary>
    public static IServiceCollection AddLocalTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = LocalTelemetryOptions.Read(configuration);
        services.AddOptions<LocalTelemetryOptions>()
            .Configure(o =>
            {
                o.Console = settings.Console;
                o.OtlpEndpoint = settings.OtlpEndpoint;
            })
            .Validate(o => o.HasValidOtlpEndpoint(), $"{LocalTelemetryOptions.OtlpEndpointSetting} must be an absolute http or https URL (e.g. http://localhost:4317).")
            .ValidateOnStart();
        var otlp = settings.OtlpEndpoint is not null && settings.HasValidOtlpEndpoint();
        if (!settings.Console && !otlp)
        {
            return services;
        }

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName))
            .WithTracing(t => t
                .AddSource(ReleaseTelemetry.Name, ReleaseTelemetry.DurableTaskSource)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation())
            .WithMetrics(m => m
                .AddMeter(ReleaseTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation());
        if (settings.Console)
        {
            telemetry.WithTracing(t => t.AddConsoleExporter()).WithMetrics(m => m.AddConsoleExporter());
        }

        if (otlp)
        {
            // The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT (and _PROTOCOL, _HEADERS) itself; logs go there too.
            telemetry.UseOtlpExporter();
        }

        return services;
    }
}
