using ReleaseFunctions.TestSupport;
using ReleaseManagement.Azure.Events;

namespace ReleaseManagement.Events.Tests;

/// <summary>
/// scripts/replay-poison.sh run as a user runs it (docs/pipeline-events.md): AzureWebJobsStorage set to the test Azurite,
/// the queue named by PipelineEvents__Queue (a queue of the test's own, so parallel tests never share it).
/// </summary>
public sealed class ReplayPoisonScriptTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReplayPoisonScript_ThreePoisonedMessages_DryRunCountsThem_RunsMoveEachOnce()
    {
        var names = EventStorageNames.Unique("rp");
        var storage = EventStorageClients.FromConnectionString(Azurite.ConnectionString, names);
        await storage.PoisonQueue.CreateIfNotExistsAsync(cancellationToken: Ct);
        string[] messages = ["{\"delivery\":\"a\"}", "{\"delivery\":\"b\"}", "{\"delivery\":\"c\"}"];
        foreach (var message in messages)
        {
            await storage.PoisonQueue.SendMessageAsync(message, Ct);
        }

        var settings = new Dictionary<string, string> { ["AzureWebJobsStorage"] = Azurite.ConnectionString, ["PipelineEvents__Queue"] = names.Queue };
        var directory = Directory.CreateTempSubdirectory("replay-script-");
        try
        {
            Task<ToolScript.Result> ReplayAsync(params string[] arguments) => ToolScript.RunAsync("replay-poison.sh", arguments, settings, directory.FullName, Ct);

            var dry = await ReplayAsync("--dry-run");
            var two = await ReplayAsync("--max", "2");
            var rest = await ReplayAsync();
            var none = await ReplayAsync();

            Assert.True(dry.ExitCode == 0, dry.ToString());
            Assert.Equal($"{names.PoisonQueue}: about 3 message(s) waiting; nothing moved (--dry-run).", dry.StandardOutput.Trim());
            Assert.True(two.ExitCode == 0 && rest.ExitCode == 0 && none.ExitCode == 0, $"{two}\n{rest}\n{none}");
            Assert.Equal(
                [$"Moved 2 message(s) from {names.PoisonQueue} to {names.Queue}.", $"Moved 1 message(s) from {names.PoisonQueue} to {names.Queue}.", $"Moved 0 message(s) from {names.PoisonQueue} to {names.Queue}."],
                new[] { two, rest, none }.Select(r => r.StandardOutput.Trim()));
            var moved = (await storage.Queue.ReceiveMessagesAsync(32, cancellationToken: Ct)).Value.Select(m => m.MessageText);
            Assert.Equal(messages, moved.Order(StringComparer.Ordinal));
            Assert.Empty((await storage.PoisonQueue.PeekMessagesAsync(32, Ct)).Value);
        }
        finally
        {
            directory.Delete(recursive: true);
            await storage.Queue.DeleteIfExistsAsync(Ct);
            await storage.PoisonQueue.DeleteIfExistsAsync(Ct);
        }
    }
}
