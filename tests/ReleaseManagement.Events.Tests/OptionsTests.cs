using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Webhooks;
using ReleaseManagement.Events;

namespace ReleaseManagement.Events.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new WebhookOptionsValidator().Validate(null, new WebhookOptions()).Succeeded);
    }

    [Fact]
    public void Validate_ShortSecretAndHalfConfiguredAzureDevOps_FailsNamingEachSetting()
    {
        var options = new WebhookOptions();
        options.GitHub.Secrets.Add("0", "short");
        options.AzureDevOps.Secrets.Add("0", Secrets.AdoPassword);
        options.Correlation.VersionPattern = "^(?<other>.*)$";

        var result = new WebhookOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Webhooks:GitHub:Secrets:0", result.FailureMessage);
        Assert.Contains("HeaderValues", result.FailureMessage);
        Assert.Contains("VersionPattern", result.FailureMessage);
    }

    [Theory]
    [InlineData(0.05, false)]
    [InlineData(0.1, true)]
    [InlineData(60, true)]
    [InlineData(61, false)]
    public void Validate_StorageTimeout_MustLeaveTheSenderTimeToHearTheAnswer(double seconds, bool valid)
    {
        var result = new WebhookOptionsValidator().Validate(null, new WebhookOptions { StorageTimeout = TimeSpan.FromSeconds(seconds) });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("Webhooks:StorageTimeout", result.FailureMessage);
        }
    }
}

public sealed class CompositionTests
{
    [Fact]
    public void AddPipelineEvents_WeakSecretInConfiguration_FailsWhenOptionsAreRead()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
                ["Webhooks:CDEvents:Secrets:0"] = "too-short",
            })
            .Build();
        using var services = new ServiceCollection().AddLogging().AddPipelineEvents(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<WebhookOptions>>().Value);
        Assert.Contains("Webhooks:CDEvents:Secrets:0", error.Message);
    }

    [Fact]
    public void AddPipelineEvents_NamedUnnamedAndRotatingSecrets_AreBoundUnderTheirNames()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
                ["Webhooks:GitHub:Secrets:0"] = Secrets.GitHub,
                ["Webhooks:GitHub:Secrets:ci"] = "ci-pipeline-secret-00000001",
                ["Webhooks:GitHub:Secrets:deploy:0"] = "deploy-pipeline-secret-00001",
                ["Webhooks:GitHub:Secrets:deploy:1"] = "deploy-pipeline-secret-00002",
            })
            .Build();
        using var services = new ServiceCollection().AddLogging().AddPipelineEvents(configuration).BuildServiceProvider();

        var secrets = services.GetRequiredService<IOptions<WebhookOptions>>().Value.GitHub.Secrets;

        Assert.Equal(["0", "ci", "deploy:0", "deploy:1"], secrets.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([null, "ci", "deploy", "deploy"], secrets.Keys.Order(StringComparer.Ordinal).Select(WebhookSecrets.PipelineOf));
        var body = Fixture.Bytes("github/workflow_run.completed.json");
        Assert.Equal(SignatureCheck.Valid, GitHubSignature.Verify(body, GitHubSignature.Sign(body, "deploy-pipeline-secret-00002"), secrets, out var name));
        Assert.Equal("deploy:1", name);
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("ci", true)]
    [InlineData("Build_Linux-2", true)]
    [InlineData("deploy:1", true)]
    [InlineData("2ci", false)]
    [InlineData("ci:next", false)]
    [InlineData("a.b", false)]
    public void Validate_SecretName_IsANumberOrAPipelineNameWithAnOptionalRotation(string name, bool valid)
    {
        var options = new WebhookOptions();
        options.CDEvents.Secrets.Add(name, Secrets.CDEvents);

        var result = new WebhookOptionsValidator().Validate(null, options);

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains($"Webhooks:CDEvents:Secrets:{name}", result.FailureMessage);
        }
    }
}
