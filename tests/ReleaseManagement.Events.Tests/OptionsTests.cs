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
        options.GitHub.Secrets.Add("short");
        options.AzureDevOps.Secrets.Add(Secrets.AdoPassword);
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
}
