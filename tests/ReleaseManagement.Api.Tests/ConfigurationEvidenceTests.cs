using ReleaseManagement.Events;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Api.Tests;

/// <summary>An environment's configuration through <c>POST /api/releases/{id}/evidence</c> (kind <c>configuration</c>; issue 13, point 2).</summary>
public sealed class ConfigurationEvidenceTests : IAsyncLifetime
{
    private ApiHarness _h = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var policy = ReleasePolicyDefaults.Create();
        var environments = policy.Environments.ToDictionary(kv => kv.Key, kv => kv.Value);
        var production = environments[DeploymentEnvironment.Production];
        environments[DeploymentEnvironment.Production] = production with
        {
            RequiredSettings = production.RequiredSettings.Append(new("databasePassword", SecretHash.Of("correct horse"))).ToDictionary(),
            SecretSettings = ["databasePassword"],
        };
        _h = await ApiHarness.StartAsync(policy with { Environments = environments });
    }

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    private Task<Answer> EvidenceAsync(string id, string json) => _h.CallAsync(r => _h.Evidence.EvidenceAsync(id, r, _h.Client, Ct), json);

    [Fact]
    public async Task Configuration_WithASecret_IsRaisedAndStoredWithTheSecretHashedNeverInPlainText()
    {
        var id = await _h.StartReleaseAsync();

        var answer = await EvidenceAsync(id, """
            { "item": "environment-configuration", "kind": "configuration", "by": "ops@example.com", "environment": "production",
              "settings": { "databaseServer": "prod-db-server", "databasePassword": "hunter2" } }
            """);

        Assert.Equal(202, answer.Status);
        var raised = Assert.Single(await _h.ReceivedAsync(id)).Pipeline!;
        Assert.Equal("production", raised.Environment);
        Assert.Equal("prod-db-server", raised.Attribute(EventAttributes.SettingPrefix + "databaseServer"));
        Assert.Equal(SecretHash.Of("hunter2"), raised.Attribute(EventAttributes.SettingPrefix + "databasePassword"));
        var stored = Assert.Single(await _h.Events.ListByReleaseAsync(id, Ct));
        Assert.DoesNotContain(stored.Event.Attributes.Values, v => v.Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Configuration_WithoutSettingsOrEnvironment_Is400NamingBoth()
    {
        var id = await _h.StartReleaseAsync();

        var answer = await EvidenceAsync(id, """{ "item": "environment-configuration", "kind": "configuration", "by": "ops@example.com" }""");

        Assert.Equal(400, answer.Status);
        Assert.Equal(["environment", "settings"], answer.ErrorFields.Order());
        await _h.EndAsync(id);
    }
}
