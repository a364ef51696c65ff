using ReleaseManagement.Policy;

namespace ReleaseManagement.Policy.Tests;

public sealed class EnvironmentConfigurationGateTests
{
    private static readonly DateTimeOffset Now = new(2027, 1, 5, 20, 0, 0, TimeSpan.Zero);

    private static readonly ReleasePolicy Policy = WithSecret(ReleasePolicyDefaults.Create());

    private static readonly GateItem Item = Policy.QualityGates[GateKind.Deployment].Items.Single(i => i.Id == EnvironmentConfigurationGate.ItemId);

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> People = new Dictionary<string, IReadOnlyList<string>>
    {
        [PolicyRoles.ReleaseManager] = ["rm@example.com"],
        [PolicyRoles.QaLead] = ["qa@example.com"],
    };

    /// <summary>Production's standard with a secret database password.</summary>
    private static ReleasePolicy WithSecret(ReleasePolicy policy)
    {
        var production = policy.Environments[DeploymentEnvironment.Production];
        var settings = production.RequiredSettings.ToDictionary(kv => kv.Key, kv => kv.Value);
        settings["databasePassword"] = SecretHash.Of("correct horse");
        var environments = policy.Environments.ToDictionary(kv => kv.Key, kv => kv.Value);
        environments[DeploymentEnvironment.Production] = production with { RequiredSettings = settings, SecretSettings = ["databasePassword"] };
        return policy with { Environments = environments };
    }

    private static Dictionary<string, string> Standard(params (string Setting, string Value)[] changes)
    {
        var settings = Policy.Environments[DeploymentEnvironment.Production].RequiredSettings.ToDictionary(kv => kv.Key, kv => kv.Value);
        settings["databasePassword"] = SecretHash.Of("correct horse");
        foreach (var (setting, value) in changes)
        {
            settings[setting] = value;
        }

        return settings;
    }

    private static GateItemResult Evaluate(IReadOnlyList<GateEvidence> evidence, IReadOnlyList<GateWaiver>? waivers = null) =>
        EnvironmentConfigurationGate.Evaluate(Policy, Item, DeploymentEnvironment.Production, new GateInputs(evidence, [], waivers ?? []), People, Now);

    private static GateEvidence Report(Dictionary<string, string> settings, string environment = "production") =>
        new(EnvironmentConfigurationGate.ItemId, Now.AddMinutes(-5), Environment: environment, Settings: settings);

    [Fact]
    public void Evaluate_EverySettingMatches_Passes()
    {
        Assert.Equal(GateVerdict.Passed, Evaluate([Report(Standard())]).Verdict);
    }

    [Fact]
    public void Evaluate_MissingAndDifferentSettings_FailsListingEachExpectedAgainstActual()
    {
        var settings = Standard(("tlsRequired", "false"));
        settings.Remove("auditLoggingEnabled");

        var result = Evaluate([Report(settings)]);

        Assert.Equal(GateVerdict.Failed, result.Verdict);
        Assert.Equal("'auditLoggingEnabled' missing (expected 'true'). 'tlsRequired' expected 'true', actual 'false'.", result.Reason);
    }

    [Fact]
    public void Evaluate_SecretDiffers_FailsWithoutShowingEitherValue()
    {
        var result = Evaluate([Report(Standard(("databasePassword", SecretHash.Of("hunter2"))))]);

        Assert.Equal(GateVerdict.Failed, result.Verdict);
        Assert.Equal("'databasePassword' expected '(secret)', actual '(secret)'.", result.Reason);
        Assert.DoesNotContain("hunter2", result.Reason);
        Assert.DoesNotContain(SecretHash.Of("hunter2"), result.Reason);
        Assert.DoesNotContain(SecretHash.Of("correct horse"), result.Reason);
    }

    [Fact]
    public void Evaluate_SecretReportedInPlainText_IsComparedByHash()
    {
        Assert.Equal(GateVerdict.Passed, Evaluate([Report(Standard(("databasePassword", "correct horse")))]).Verdict);
    }

    [Fact]
    public void Evaluate_OnlyAConfigurationOfAnotherEnvironment_DoesNotPass()
    {
        var result = Evaluate([Report(Standard(), "staging")]);

        Assert.Equal(GateVerdict.Pending, result.Verdict);
        Assert.Contains("No configuration of production", result.Reason);
    }

    [Fact]
    public void Evaluate_WaiverByAHolderOfTheWaiverRoles_IsWaived_ByAnyoneElse_DoesNotCount()
    {
        var failing = Report(Standard(("tlsRequired", "false")));

        var byQa = Evaluate([failing], [new GateWaiver(EnvironmentConfigurationGate.ItemId, "TLS terminates at the gateway", "qa@example.com", Now)]);
        var byRm = Evaluate([failing], [new GateWaiver(EnvironmentConfigurationGate.ItemId, "TLS terminates at the gateway", "rm@example.com", Now)]);

        Assert.Equal(GateVerdict.Failed, byQa.Verdict);
        Assert.Contains("a waiver counts only from release-manager", byQa.Reason);
        Assert.Equal(GateVerdict.Waived, byRm.Verdict);
    }

    [Fact]
    public void SecretHash_IsSha256HexOfTheTrimmedValue_AndKeepsAHash()
    {
        var hash = SecretHash.Of(" abc ");

        Assert.Equal("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hash);
        Assert.Equal(hash, SecretHash.Of(hash));
    }
}
