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
}
