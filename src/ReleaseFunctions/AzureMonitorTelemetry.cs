using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;

namespace ReleaseFunctions;

/// <summary>
/// The Azure Monitor exporter's settings from the platform's app settings: <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>
/// (absent: nothing is exported) and <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> (<c>ClientId=...;Authorization=AAD</c>:
/// Entra ID ingestion with the app's user-assigned identity, since the component's local authentication is off).
/// </summary>
public static class AzureMonitorTelemetry
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    public static string? ConnectionString(IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(configuration[ConnectionStringSetting]) ? null : configuration[ConnectionStringSetting];

    public static void Configure(AzureMonitorExporterOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ConnectionString = ConnectionString(configuration)
            ?? throw new InvalidOperationException($"{ConnectionStringSetting} is not set.");
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
