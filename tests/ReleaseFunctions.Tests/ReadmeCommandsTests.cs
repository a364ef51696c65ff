using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ReleaseFunctions.Tests.Support;
using ReleaseFunctions.TestSupport;

namespace ReleaseFunctions.Tests;

/// <summary>
/// README's "Try it locally" commands, run as written (one bash session, in order) against the local host configured as
/// scripts/run-local.sh configures it, so they fail here the day they stop working for a newcomer (issue 30: a dated
/// example expired within days). Only the address changes: the test's host listens on a port of its own.
/// </summary>
public sealed partial class ReadmeCommandsTests
{
    [GeneratedRegex(@"^```sh\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    /// <summary>The shell blocks of README's "Try it locally" part that talk to the local host, in order.</summary>
    private static IReadOnlyList<string> TryItLocallyBlocks()
    {
        var readme = File.ReadAllText(Repo.Path("README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var start = readme.IndexOf("Try it locally:", StringComparison.Ordinal);
        var end = readme.IndexOf("\n## ", start, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "README has no 'Try it locally:' part");
        return ShellBlock().Matches(readme[start..end]).Select(m => m.Groups["body"].Value)
            .Where(block => block.Contains("localhost:7071", StringComparison.Ordinal)).ToList();
    }

    /// <summary>The settings scripts/run-local.sh adds: the development webhook secrets of its one file (and the policy, below).</summary>
    internal static IEnumerable<KeyValuePair<string, string>> DevelopmentSecrets() =>
        File.ReadAllLines(Repo.Path("scripts", "lib", "dev-webhook-secrets.env"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('=', 2))
            .Select(parts => KeyValuePair.Create(parts[0], parts[1]));

    [Fact]
    public async Task TryItLocally_CommandsAsWritten_RequestAReleaseThatReachesItsDevelopmentGate()
    {
        var ct = TestContext.Current.CancellationToken;
        var blocks = TryItLocallyBlocks();
        Assert.True(blocks.Count >= 5, $"expected the request, milestone, sign-off, document and audit blocks; found {blocks.Count}");
        var settings = new Dictionary<string, string>(DevelopmentSecrets())
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["TaskHubName"] = Azurite.UniqueTaskHub("readme"),
            // As run-local.sh without a config/release-policy.json: the example policy, whose directory names everyone.
            ["Policy__Path"] = Repo.Path("config", "release-policy.example.json"),
        };
        await using var host = await LocalHostProcess.StartAsync(settings, cancellationToken: ct);
        using var shell = new BashSession(host.BaseAddress.Authority);

        // 1. The request: its date is computed, so it is accepted on any day.
        var requested = await shell.RunAsync(blocks[0], ct);
        Assert.True(requested.Contains("HTTP/1.1 202", StringComparison.Ordinal), $"The README's request was not accepted:\n{requested}");
        var id = (await shell.RunAsync("echo \"$ID\"", ct)).Trim();
        var release = await host.Client.GetFromJsonAsync<JsonObject>($"/api/releases/{id}", ct);
        Assert.Equal("Minor", (string?)release!["type"]);

        // 2. The milestones, signed with the development secret run-local.sh sets.
        var milestones = await shell.RunAsync(blocks[1], ct);
        Assert.Equal(4, Regex.Matches(milestones, "\"status\":\"accepted\"").Count);

        // The plan approval (by mail in README; the API is the same decision).
        foreach (var approver in new[] { "po@example.com", "lead@example.com" })
        {
            using var decided = await host.Client.PostAsJsonAsync($"/api/releases/{id}/decisions", new { stage = "plan", decision = "approve", approver }, ct);
            Assert.Equal(HttpStatusCode.Accepted, decided.StatusCode);
        }

        await Eventually.UntilAsync(
            () => host.Client.GetFromJsonAsync<JsonObject>($"/api/releases/{id}", ct)!,
            r => (string?)r!["stage"] == "gate:development",
            TimeSpan.FromSeconds(90),
            $"release {id} to pass its milestones and reach its development gate");

        // 3. The sign-off belongs to the watch; sent now it is answered, never a server error.
        var signOff = await shell.RunAsync(blocks[2], ct);
        Assert.Matches(@"^HTTP/1\.1 [24]\d\d", signOff);

        // 4. A document's link by the technical lead (a reporter of the deployment guide) and a known issue, both accepted.
        var documents = await shell.RunAsync(blocks[3], ct);
        Assert.True(Regex.Matches(documents, @"HTTP/1\.1 202").Count == 2, $"The README's document and known issue were not both accepted:\n{documents}");

        // 5. The audit trail, verified.
        var audit = JsonNode.Parse(await shell.RunAsync(blocks[4], ct))!;
        Assert.True((bool?)audit["verified"], audit.ToJsonString());
        Assert.Contains(audit["entries"]!.AsArray(), e => (string?)e!["action"] == "request");
        Assert.Contains(audit["entries"]!.AsArray(), e => (string?)e!["action"] == "document" && (string?)e!["by"] == "lead@example.com");
        Assert.Contains(audit["entries"]!.AsArray(), e => (string?)e!["action"] == "known-issue");
        // The milestones are by the pipeline the development secret names (Webhooks__CDEvents__Secrets__dev), not anonymous.
        var milestoneRows = audit["entries"]!.AsArray().Where(e => (string?)e!["action"] == "milestone").ToList();
        Assert.Equal(4, milestoneRows.Count);
        Assert.All(milestoneRows, e => Assert.Equal("dev", (string?)e!["by"]));
    }

    /// <summary>One bash process whose variables live across blocks, as in the reader's terminal.</summary>
    private sealed class BashSession(string authority) : IDisposable
    {
        private readonly string _state = Path.Combine(Path.GetTempPath(), "readme-" + Guid.NewGuid().ToString("N") + ".sh");

        /// <summary>Runs a block after the variables earlier blocks set; returns what it printed.</summary>
        public async Task<string> RunAsync(string block, CancellationToken ct)
        {
            var script = $"[ -f '{_state}' ] && source '{_state}'\n{block.Replace("localhost:7071", authority, StringComparison.Ordinal)}\n"
                + $"declare -p ID TARGET SECRET 2>/dev/null > '{_state}' || true\n";
            var start = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var error = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            Assert.True(process.ExitCode == 0, $"bash exited {process.ExitCode}:\n{await output}\n{await error}");
            return await output;
        }

        public void Dispose() => File.Delete(_state);
    }
}
