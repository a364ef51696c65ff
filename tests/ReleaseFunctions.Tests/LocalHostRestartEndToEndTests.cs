using System.Net;
using ReleaseFunctions.Tests.Support;
using ReleaseFunctions.TestSupport;
using static ReleaseFunctions.Tests.LocalHostEndToEndTests;

namespace ReleaseFunctions.Tests;

/// <summary>
/// The local host process stopped while a release waits for its plan approval and started again on the same task hub: the
/// release is still running and moves on with the decisions posted to the new host (the slice's own settings and helpers,
/// <see cref="LocalHostEndToEndTests"/>).
/// </summary>
[StartFirst]
public sealed class LocalHostRestartEndToEndTests
{
    [Fact]
    public async Task Slice_HostRestartsWhileWaitingForApproval_ReleaseMovesOnAfterTheRestart()
    {
        var settings = Settings(Azurite.UniqueTaskHub("restart"));
        var id = NewReleaseId();
        var system = Systems.Next();
        string firstOutput;

        await using (var first = await LocalHostProcess.StartAsync(settings, cancellationToken: TestContext.Current.CancellationToken))
        {
            using var created = await first.Client.PostAsync("/api/releases", ReleaseBody(id, system), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
            // Stop once the release is waiting on people, as an operator would find it.
            await Eventually.UntilAsync(
                () => GetReleaseAsync(first.Client, id),
                r => ((string?)r["statusReason"])?.StartsWith("Awaiting plan approval", StringComparison.Ordinal) == true,
                TimeSpan.FromSeconds(60),
                "the plan approval wait");
            await first.StopAsync();
            firstOutput = first.Output;
        }

        await using var second = await LocalHostProcess.StartAsync(settings, cancellationToken: TestContext.Current.CancellationToken);
        var waiting = await GetReleaseAsync(second.Client, id);
        Assert.Equal("Running", (string?)waiting["runtimeStatus"]);

        foreach (var approver in new[] { "po@example.com", "lead@example.com" })
        {
            using var decided = await second.Client.PostAsync(
                $"/api/releases/{id}/decisions",
                LocalHostEndToEndTests.Json($$"""{ "stage": "plan", "decision": "approve", "approver": "{{approver}}" }"""),
                TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Accepted, decided.StatusCode);
        }

        try
        {
            await WaitForStatusAsync(second.Client, id, "Development", "Active", TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n--- first host ---\n{firstOutput}\n--- second host ---\n{second.Output}", e);
        }
    }
}
