using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ReleaseFunctions.Tests.Support;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Policy;

namespace ReleaseFunctions.Tests;

/// <summary>
/// <c>scripts/demo.sh</c> run as a newcomer runs it, against a local host configured as <c>scripts/run-local.sh --demo</c>
/// configures it (the development webhook secrets, <c>config/release-policy.demo.json</c>, emails as files listed at
/// /dev/mailbox), with two changes so it stays short and owns its data: a validation and watch of seconds, and a system and
/// mail directory of its own. The hotfix must end Completed, the Minor wait for its production window.
/// </summary>
[StartFirst]
public sealed partial class DemoScriptTests : IDisposable
{
    private readonly string _mail = Path.Combine(Path.GetTempPath(), "demo-mail-" + Guid.NewGuid().ToString("N"));
    private string? _policyPath;

    public void Dispose()
    {
        if (_policyPath is not null)
        {
            File.Delete(_policyPath);
        }

        if (Directory.Exists(_mail))
        {
            Directory.Delete(_mail, recursive: true);
        }
    }

    [GeneratedRegex(@"demo-(hotfix|minor)-[0-9-]+")]
    private static partial Regex ReleaseIds();

    [Fact]
    public void DemoPolicy_IsAValidPolicyWhoseWatchTakesSecondsNotADay()
    {
        var demo = ReleasePolicyLoader.Parse(File.ReadAllText(Repo.Path("config", "release-policy.demo.json")), "demo");

        Assert.True(demo.IsValid, string.Join("\n", demo.Errors));
        Assert.True(demo.Policy!.SuccessCriteria.WatchDuration <= TimeSpan.FromMinutes(1), demo.Policy.SuccessCriteria.WatchDuration.ToString());
        Assert.True(demo.Policy.SuccessCriteria.ValidationDelay <= TimeSpan.FromSeconds(30), demo.Policy.SuccessCriteria.ValidationDelay.ToString());
    }

    [Fact]
    public async Task DemoScript_AgainstTheLocalHost_CompletesTheHotfixAndTakesTheMinorToItsWindow()
    {
        var ct = TestContext.Current.CancellationToken;
        var demo = ReleasePolicyLoader.Parse(File.ReadAllText(Repo.Path("config", "release-policy.demo.json")), "demo").GetOrThrow();
        var system = OwnSystem.NewName("demo");
        var policy = OwnSystem.AddTo(demo, [system]) with
        {
            SuccessCriteria = demo.SuccessCriteria with
            {
                WatchDuration = TimeSpan.FromSeconds(3), CheckInterval = TimeSpan.FromSeconds(1), ValidationDelay = TimeSpan.FromSeconds(1),
            },
        };
        _policyPath = OwnSystem.Write(policy);
        var port = LocalHostProcess.FreePort();
        var settings = new Dictionary<string, string>(ReadmeCommandsTests.DevelopmentSecrets())
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["TaskHubName"] = Azurite.UniqueTaskHub("demo"),
            ["Policy__Path"] = _policyPath,
            ["Email__FileDirectory"] = _mail,
            ["Approvals__PublicBaseUrl"] = $"http://127.0.0.1:{port}",
        };
        await using var host = await LocalHostProcess.StartAsync(settings, port, ct);

        var start = new ProcessStartInfo("bash", [Repo.Path("scripts", "demo.sh"), host.BaseAddress.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repo.Root,
        };
        start.Environment["DEMO_SYSTEM"] = system;
        start.Environment["DEMO_TIMEOUT"] = "720"; // per release: a bound on a hang, not a speed claim (with this test's short watch the two side by side take about 20 s alone)
        using var demoScript = Process.Start(start)!;
        var output = demoScript.StandardOutput.ReadToEndAsync(ct);
        var error = demoScript.StandardError.ReadToEndAsync(ct);
        await demoScript.WaitForExitAsync(ct);
        var printed = await output;
        Assert.True(demoScript.ExitCode == 0, $"demo.sh exited {demoScript.ExitCode}:\n{printed}\n{await error}\n{host.Output}");

        // It printed every step and the dashboard's address; the releases it played are where it says.
        Assert.Contains($"Dashboard: {host.BaseAddress.ToString().TrimEnd('/')}/", printed, StringComparison.Ordinal);
        Assert.Contains("approved it", printed, StringComparison.Ordinal);
        Assert.Contains("(signed CDEvent", printed, StringComparison.Ordinal);
        var ids = ReleaseIds().Matches(printed).Select(m => m.Value).Distinct().ToList();
        var hotfix = await host.Client.GetFromJsonAsync<JsonObject>($"/api/releases/{Assert.Single(ids, i => i.StartsWith("demo-hotfix-", StringComparison.Ordinal))}", ct);
        var minor = await host.Client.GetFromJsonAsync<JsonObject>($"/api/releases/{Assert.Single(ids, i => i.StartsWith("demo-minor-", StringComparison.Ordinal))}", ct);
        Assert.Equal("Completed", (string?)hotfix!["status"]);
        Assert.Equal("Active", (string?)minor!["status"]);
        Assert.Equal("window", (string?)minor["stage"]);
        Assert.Equal("Minor", (string?)minor["type"]);
    }
}
