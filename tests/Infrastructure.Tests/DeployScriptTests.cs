namespace Infrastructure.Tests;

/// <summary>
/// scripts/deploy.sh's checks before it touches Azure. The Azure CLI cannot run here, so the tests put a stand-in
/// 'az' on an otherwise empty PATH that answers the few commands the script asks before deploying and records each call.
/// </summary>
public sealed class DeployScriptTests : IDisposable
{
    private const string ClientId = "11111111-2222-3333-4444-555555555555";
    private readonly string _bin = Directory.CreateTempSubdirectory("deploy-test-").FullName;

    private string CallLog => Path.Combine(_bin, "az-calls.log");

    public void Dispose() => Directory.Delete(_bin, recursive: true);

    private static string Bash() =>
        new[] { "/bin/bash", "/usr/bin/bash" }.FirstOrDefault(File.Exists) ?? throw new InvalidOperationException("bash is needed.");

    private ProcessResult Deploy(IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        var variables = new Dictionary<string, string?> { ["PATH"] = _bin, ["HOME"] = _bin };
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            variables[key] = value;
        }

        return Processes.Run(Bash(), [Path.Combine(Repo.Root, "scripts", "deploy.sh"), .. arguments], _bin, variables, clearEnvironment: true, TimeSpan.FromSeconds(30));
    }

    /// <summary>A stand-in 'az': signed in or not, with an existing resource group; it records every call.</summary>
    private void FakeAz(bool signedIn)
    {
        var path = Path.Combine(_bin, "az");
        File.WriteAllText(path, $$"""
            #!{{Bash()}}
            echo "$* | operator=${RELEASES_OPERATOR_PRINCIPAL_ID:-} client=${RELEASES_AUTH_CLIENT_ID:-}" >> "{{CallLog}}"
            case "$1 $2" in
              "account show") {{(signedIn ? "printf 'Test subscription\\t00000000-0000-0000-0000-000000000001\\n'" : "echo \"Please run 'az login' to setup account.\" >&2; exit 1")}} ;;
              "group exists") echo true ;;
              "ad signed-in-user") echo 99999999-0000-0000-0000-000000000000 ;;
            esac
            exit 0
            """.Replace("\r\n", "\n"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private string[] Calls() => File.Exists(CallLog) ? File.ReadAllLines(CallLog) : [];

    [Fact]
    public void Deploy_WithoutAzOnPath_RefusesWithAClearMessage()
    {
        var result = Deploy(null, "dev");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Azure CLI 'az' is not installed", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Deploy_AzNotSignedIn_RefusesBeforeDeploying()
    {
        FakeAz(signedIn: false);

        var result = Deploy(new Dictionary<string, string?> { ["RELEASES_AUTH_CLIENT_ID"] = ClientId }, "dev");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("not signed in", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("az login", result.StandardError, StringComparison.Ordinal);
        Assert.All(Calls(), call => Assert.StartsWith("account show", call, StringComparison.Ordinal));
    }

    [Fact]
    public void Deploy_WithoutAuthClientId_RefusesBeforeDeploying()
    {
        FakeAz(signedIn: true);

        var result = Deploy(null, "dev");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("RELEASES_AUTH_CLIENT_ID", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(Calls(), call => call.StartsWith("deployment", StringComparison.Ordinal));
    }

    [Fact]
    public void Deploy_UnknownEnvironmentOrNone_FailsWithUsage()
    {
        var none = Deploy(null);
        var unknown = Deploy(null, "staging");

        Assert.Equal(2, none.ExitCode);
        Assert.Contains("name the environment", none.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("infra/env/staging.bicepparam", unknown.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Deploy_WhatIf_RunsWhatIfWithTheEnvironmentsParametersAndStops()
    {
        FakeAz(signedIn: true);

        var result = Deploy(
            new Dictionary<string, string?> { ["RELEASES_AUTH_CLIENT_ID"] = ClientId, ["RELEASES_RESOURCE_GROUP"] = "rg-from-env" },
            "prod", "--what-if");

        Assert.True(result.ExitCode == 0, result.ToString());
        var whatIf = Assert.Single(Calls(), c => c.StartsWith("deployment group what-if", StringComparison.Ordinal));
        Assert.Contains("--resource-group rg-from-env", whatIf, StringComparison.Ordinal);
        Assert.Contains("--parameters infra/env/prod.bicepparam", whatIf, StringComparison.Ordinal);
        Assert.Contains($"client={ClientId}", whatIf, StringComparison.Ordinal);
        Assert.Contains("operator=99999999-0000-0000-0000-000000000000", whatIf, StringComparison.Ordinal);
        Assert.DoesNotContain(Calls(), c => c.StartsWith("deployment group create", StringComparison.Ordinal) || c.Contains("config-zip", StringComparison.Ordinal));
    }

    [Fact]
    public void Deploy_ResourceGroupArgument_WinsOverTheEnvironmentVariable()
    {
        FakeAz(signedIn: true);

        var result = Deploy(
            new Dictionary<string, string?> { ["RELEASES_AUTH_CLIENT_ID"] = ClientId, ["RELEASES_RESOURCE_GROUP"] = "rg-from-env" },
            "dev", "--what-if", "--resource-group", "rg-from-arg");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(Calls(), c => c.StartsWith("deployment group what-if --resource-group rg-from-arg ", StringComparison.Ordinal));
    }
}
