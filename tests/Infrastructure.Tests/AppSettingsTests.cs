using System.Text.Json.Nodes;

namespace Infrastructure.Tests;

/// <summary>
/// Every setting the built app reads is set in infra/ and in local.settings.example.json, and nothing set there is
/// unused (rules in <see cref="AppSettingsRules"/>).
/// </summary>
public sealed class AppSettingsTests
{
    private static readonly Lazy<IReadOnlyList<ReadSetting>> Read = new(DiscoverReadSettings);

    private static IReadOnlyList<ReadSetting> DiscoverReadSettings()
    {
        var output = Repo.FunctionsOutput;
        Assert.True(File.Exists(Path.Combine(output, "ReleaseFunctions.dll")), $"{output} has no build of the Functions app.");
        var assemblies = Directory.EnumerateFiles(output, "*.dll")
            .Where(p => Path.GetFileName(p).StartsWith("ReleaseManagement", StringComparison.Ordinal)
                || Path.GetFileName(p).StartsWith("ReleaseFunctions", StringComparison.Ordinal));

        var settings = new List<ReadSetting>(AppSettingsDiscovery.FromOptionsClasses(assemblies, output));
        settings.AddRange(FunctionsMetadata.Placeholders().Select(p => new ReadSetting(p, SettingShape.Exact, true, "%placeholder%")));
        settings.AddRange(FunctionsMetadata.Connections().Select(c => new ReadSetting(c, SettingShape.Group, true, "connection")));
        settings.AddRange(AppSettingsRules.ReadDirectly.Select(k => new ReadSetting(k.Name, k.Shape, true, k.Reason)));
        return settings;
    }

    /// <summary>Keys main.bicep sets on the function app: its appSettings and keyVaultReferences objects.</summary>
    public static IReadOnlyList<string> InfraKeys()
    {
        var main = Bicep.Main;
        var plain = Arm.ModuleParameter(main, "functionApp", "appSettings")!.AsObject().Select(p => p.Key);
        var secrets = Arm.ModuleParameter(main, "functionApp", "keyVaultReferences")!.AsObject().Select(p => p.Key);
        var keys = plain.Concat(secrets).ToList();
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        return keys;
    }

    public static IReadOnlyList<string> LocalKeys()
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, "local.settings.example.json")))!;
        return json["Values"]!.AsObject().Select(p => p.Key).ToList();
    }

    [Fact]
    public void Discovery_BuiltApp_FindsTheSettingsTheFoundationReads()
    {
        var names = Read.Value.Select(s => s.Name).ToList();

        Assert.Contains("Releases__DeploymentTimeout", names); // options class
        Assert.Contains("TaskHubName", names); // host.json placeholder
        Assert.Contains("AzureWebJobsStorage", names); // connection
    }

    [Fact]
    public void Infra_EverySettingTheCodeReads_IsSet() => AssertAllSet(InfraKeys(), SetIn.Infra, "infra/main.bicep");

    [Fact]
    public void LocalSettingsExample_EverySettingTheCodeReads_IsSet() =>
        AssertAllSet(LocalKeys(), SetIn.LocalSettings, "local.settings.example.json");

    [Fact]
    public void Infra_EverySettingSet_IsUsed() => AssertNoneUnused(InfraKeys(), SetIn.Infra, "infra/main.bicep");

    [Fact]
    public void LocalSettingsExample_EverySettingSet_IsUsed() =>
        AssertNoneUnused(LocalKeys(), SetIn.LocalSettings, "local.settings.example.json");

    [Fact]
    public void Infra_WorkerRuntime_IsTheFlexRuntimeProperty()
    {
        var site = Assert.Single(Arm.OfType(Bicep.Main, "Microsoft.Web/sites"));
        Assert.Equal("dotnet-isolated", (string?)site.Property("functionAppConfig.runtime.name"));
        var local = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, "local.settings.example.json")))!;
        Assert.Equal("dotnet-isolated", (string?)local["Values"]!["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", InfraKeys());
    }

    [Fact]
    public void Infra_NamedWebhookSecrets_AreSettingsTheCodeReads_AndVaultItems()
    {
        // The webhookPipelines parameter names each setting Webhooks__SOURCE__Secrets__NAME (a named pipeline's secret).
        var rule = (string?)Bicep.Main["variables"]!["webhookPipelineVaultItems"];
        Assert.NotNull(rule);
        Assert.Contains("'Webhooks__{0}__Secrets__{1}'", rule, StringComparison.Ordinal);
        Assert.Contains("'webhook-{0}-{1}-secret'", rule, StringComparison.Ordinal);
        Assert.Contains("webhookPipelineVaultItems", (string?)Bicep.Main["outputs"]!["keyVaultItemNames"]!["value"], StringComparison.Ordinal);
        foreach (var source in new[] { "GitHub", "AzureDevOps", "CDEvents" })
        {
            var key = $"Webhooks__{source}__Secrets__ci";
            Assert.True(Read.Value.Any(s => s.IsSetBy(key)), $"No code reads {key}.");
        }
    }

    private static void AssertAllSet(IReadOnlyList<string> keys, SetIn where, string file)
    {
        var missing = Read.Value
            .Where(s => s.Required && !keys.Any(s.IsSetBy))
            .Select(s => $"{s.Name} ({s.Source})")
            .Concat(AppSettingsRules.Platform
                .Where(p => p.RequiredIn.HasFlag(where) && !keys.Contains(p.Name))
                .Select(p => $"{p.Name} (platform: {p.Reason})"))
            .Distinct()
            .ToList();
        Assert.True(missing.Count == 0, $"{file} does not set: {string.Join("; ", missing)}");
    }

    private static void AssertNoneUnused(IReadOnlyList<string> keys, SetIn where, string file)
    {
        var unused = keys
            .Where(k => !Read.Value.Any(s => s.IsSetBy(k)))
            .Where(k => !AppSettingsRules.Platform.Any(p => p.RequiredIn.HasFlag(where) && p.Name == k))
            .ToList();
        Assert.True(unused.Count == 0, $"{file} sets settings no code reads: {string.Join(", ", unused)}");
    }
}
