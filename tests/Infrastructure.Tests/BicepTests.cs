using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Infrastructure.Tests;

/// <summary>Every Bicep file builds and lints clean with the pinned bicep CLI; every parameter says what it is for.</summary>
public sealed class BicepTests
{
    public static TheoryData<string> BicepFiles() => new(Repo.BicepFiles().Select(Repo.Relative));

    public static TheoryData<string> ParameterFiles() => new(Repo.ParameterFiles().Select(Repo.Relative));

    [Fact]
    public void Infra_Layout_HasMainModulesAndOneParameterFilePerEnvironment()
    {
        var files = Repo.BicepFiles().Select(Repo.Relative).ToList();
        Assert.Contains("infra/main.bicep", files);
        Assert.True(files.Count(f => f.StartsWith("infra/modules/", StringComparison.Ordinal)) >= 5, string.Join(", ", files));
        Assert.Equal(["infra/env/dev.bicepparam", "infra/env/prod.bicepparam"], Repo.ParameterFiles().Select(Repo.Relative));
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Build_BicepFile_CompilesWithoutDiagnostics(string file)
    {
        var result = Bicep.BuildResult(Path.Combine(Repo.Root, file));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(string.IsNullOrWhiteSpace(result.StandardError), $"bicep build {file} reported:\n{result.StandardError}");
        Assert.NotNull(JsonNode.Parse(result.StandardOutput)?["resources"]);
    }

    [Fact]
    public void Lint_AllBicepFiles_ReportsNoWarnings()
    {
        var result = Bicep.Run("lint", "--pattern", "**/*.bicep");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(
            string.IsNullOrWhiteSpace(result.StandardOutput + result.StandardError),
            $"bicep lint reported:\n{result.StandardOutput}{result.StandardError}");
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void BuildParams_EnvironmentFile_CompilesAgainstMain(string file)
    {
        var parameters = EnvironmentParameters(file);

        Assert.Equal(Path.GetFileNameWithoutExtension(file), (string?)parameters["environmentName"]?["value"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)parameters["taskHubName"]?["value"]));
        Assert.True((int?)parameters["alwaysReadyInstances"]?["value"] >= 1, $"{file}: alwaysReadyInstances must keep one warm instance");
    }

    [Fact]
    public void BuildParams_Environments_UseSeparateTaskHubs()
    {
        var hubs = Repo.ParameterFiles().Select(f => (string?)EnvironmentParameters(Repo.Relative(f))["taskHubName"]?["value"]).ToList();

        Assert.Equal(hubs.Count, hubs.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(hubs, hub => Assert.Matches("^[A-Za-z][A-Za-z0-9]{2,44}$", hub));
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Parameters_BicepFile_EachHasADescription(string file)
    {
        var parameters = Arm.Compile(Path.Combine(Repo.Root, file))["parameters"]?.AsObject() ?? [];

        var undocumented = parameters
            .Where(p => string.IsNullOrWhiteSpace((string?)p.Value?["metadata"]?["description"]))
            .Select(p => p.Key)
            .ToList();
        Assert.True(undocumented.Count == 0, $"{file}: parameters without @description: {string.Join(", ", undocumented)}");
    }

    [Fact]
    public void WebhookSecrets_InfraAndEveryEnvironment_AreNamedPipelinesOnly()
    {
        // An unnamed secret (Webhooks__SOURCE__Secrets__0) is no pipeline the policy can name: whoever holds it may report
        // every item that grants no pipeline (issue 24). The infra sets none; each environment names its senders.
        var references = Arm.ModuleParameter(Bicep.Main, "functionApp", "keyVaultReferences")!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("Webhooks__AzureDevOps__HeaderValues__0", references);
        Assert.DoesNotContain(references, key => Regex.IsMatch(key, @"^Webhooks__\w+__Secrets__[0-9]+$"));
        foreach (var file in Repo.ParameterFiles().Select(Repo.Relative))
        {
            var pipelines = EnvironmentParameters(file)["webhookPipelines"]?["value"]?.AsArray();
            Assert.True(pipelines is not null, $"{file} names no webhookPipelines");
            Assert.Equal(["AzureDevOps", "CDEvents", "GitHub"], pipelines.Select(p => (string)p!["source"]!).Distinct().Order(StringComparer.Ordinal));
            Assert.All(pipelines, p => Assert.Matches("^[A-Za-z][A-Za-z0-9-]*$", (string?)p!["name"]));
        }
    }

    private static JsonObject EnvironmentParameters(string file)
    {
        var result = Bicep.BuildParamsResult(Path.Combine(Repo.Root, file));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(string.IsNullOrWhiteSpace(result.StandardError), $"bicep build-params {file} reported:\n{result.StandardError}");
        return JsonNode.Parse(result.StandardOutput)!["parameters"]!.AsObject();
    }
}
