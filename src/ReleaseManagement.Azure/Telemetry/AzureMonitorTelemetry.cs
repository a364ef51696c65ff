using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using ReleaseManagement.Telemetry;

namespace ReleaseManagement.Azure.Telemetry;

/// <summary>
/// What the Functions app exports to Application Insights (<see cref="AddReleaseTelemetry"/>, called by its Program.cs
/// after the worker's own defaults), and the Azure Monitor exporter's settings from the platform's app settings: <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>
/// (absent: nothing is exported) and <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> (<c>ClientId=...;Authorization=AAD</c>:
/// Entra ID ingestion with the app's user-assigned identity, since the component's local authentication is off).
/// </summary>
public static class AzureMonitorTelemetry
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>
    /// The app's signals (<see cref="ReleaseTelemetry"/>'s source and meter, the Durable Task SDK's spans), exported with the
    /// Azure Monitor exporter (traces, metrics, logs) when <see cref="ConnectionStringSetting"/> is set; without it nothing
    /// is exported.
    /// </summary>
    public static IOpenTelemetryBuilder AddReleaseTelemetry(this IOpenTelemetryBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder
            .WithTracing(t => t.AddSource(ReleaseTelemetry.Name, ReleaseTelemetry.DurableTaskSource))
            .WithMetrics(m => m.AddMeter(ReleaseTelemetry.Name));
        if (ConnectionString(configuration) is not null)
        {
            builder.UseAzureMonitorExporter(o => Configure(o, configuration));
        }

        return builder;
    }

    public static string? ConnectionString(IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(configuration[ConnectionStringSetting]) ? null : configuration[ConnectionStringSetting];

    public static void Configure(AzureMonitorExporterOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ConnectionString = ConnectionString(configuration)
            ?? throw new InvalidOperationException($"{ConnectionStringSetting} is not set.");
        // Every trace is kept: the exporter's default rate-limited sampler dropped the first span after a start (a measured
        // test), and on a Functions app scaled to zero that is the first webhook after each cold start, the one an operator
        // looks for. The app's volume is small (a release makes some tens of spans), so nothing needs sampling away.
        options.TracesPerSecond = null;
        options.SamplingRatio = 1.0F;
        if (Credential(configuration[AuthenticationStringSetting]) is { } credential)
        {
            options.Credential = credential;
        }
    }

    /// <summary>
    /// The credential an authentication string asks for: <c>Authorization=AAD</c> with an optional <c>ClientId</c> (a
    /// user-assigned identity) is a managed identity; null when absent. Anything else fails the start-up, naming the setting.
    /// </summary>
    public static TokenCredential? Credential(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
        {
            return null;
        }

        var parts = authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : string.Empty, StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var kind) || !string.Equals(kind, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{AuthenticationStringSetting} must be 'Authorization=AAD' with an optional 'ClientId=...'.");
        }

        return parts.TryGetValue("ClientId", out var clientId) && clientId.Length > 0
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}
