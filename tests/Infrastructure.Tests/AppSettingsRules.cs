namespace Infrastructure.Tests;

/// <summary>Where a setting must be set.</summary>
[Flags]
public enum SetIn
{
    Nowhere = 0,
    Infra = 1,
    LocalSettings = 2,
    Both = Infra | LocalSettings,
}

/// <summary>A setting known by name rather than found by discovery, with where it must be set and why.</summary>
public sealed record KnownSetting(string Name, SettingShape Shape, SetIn RequiredIn, string Reason);

/// <summary>
/// The rules of the settings consistency test (docs/deployment.md, "App settings"):
/// <list type="number">
/// <item>Every setting the code reads must be set in infra/main.bicep (appSettings or keyVaultReferences) and in
/// local.settings.example.json. Read settings are discovered: options classes (AppSettingsDiscovery), %Name%
/// placeholders and connection names (FunctionsMetadata), plus <see cref="ReadDirectly"/>.</item>
/// <item>The only optional ones are list/dictionary options properties (they may be empty).</item>
/// <item>Nothing may be set that no code reads, except <see cref="Platform"/> settings, which the Functions host or
/// App Service read; each says where it must be set.</item>
/// </list>
/// </summary>
public static class AppSettingsRules
{
    /// <summary>Settings the code reads by name, which neither reflection nor functions.metadata can see.</summary>
    public static readonly IReadOnlyList<KnownSetting> ReadDirectly =
    [
        new("AzureWebJobsStorage", SettingShape.Group, SetIn.Both,
            "StorageClients.FromConfiguration and the Functions host: a connection string locally, AzureWebJobsStorage__* (identity) in Azure"),
        new("TaskHubName", SettingShape.Exact, SetIn.Both, "host.json %TaskHubName% and the local host's Durable sidecar"),
    ];

    /// <summary>Settings read by the platform (Functions host, App Service), not by the app's code.</summary>
    public static readonly IReadOnlyList<KnownSetting> Platform =
    [
        new("FUNCTIONS_WORKER_RUNTIME", SettingShape.Exact, SetIn.LocalSettings,
            "Core Tools need it locally; on Flex Consumption it is functionAppConfig.runtime.name, not an app setting"),
        new("APPLICATIONINSIGHTS_CONNECTION_STRING", SettingShape.Exact, SetIn.Infra, "telemetry to Application Insights"),
        new("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", SettingShape.Exact, SetIn.Infra,
            "Entra ID ingestion with the app's identity (local authentication is off)"),
        new("MICROSOFT_PROVIDER_AUTHENTICATION_SECRET", SettingShape.Exact, SetIn.Infra,
            "client secret of App Service authentication (Entra ID), a Key Vault reference"),
    ];
}
