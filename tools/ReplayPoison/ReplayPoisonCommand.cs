using System.Globalization;
using ReleaseManagement.Azure.Events;

namespace ReleaseManagement.Tools.ReplayPoison;

/// <summary>The replay's command line: arguments, the composition, the move, the summary and exit code.</summary>
public static class ReplayPoisonCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? queue = null;
        var max = int.MaxValue;
        var dryRun = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--queue" when i + 1 < args.Length:
                    queue = args[++i];
                    break;
                case "--max" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0:
                    max = n;
                    i++;
                    break;
                case "--dry-run":
                    dryRun = true;
                    break;
                default:
                    Console.Error.WriteLine("usage: replay-poison.sh [--queue NAME] [--max N] [--dry-run]");
                    return 2;
            }
        }

        ReplayPoisonApp app;
        try
        {
            app = ReplayPoisonComposition.Build(ReplayPoisonComposition.Configuration(queue));
        }
        catch (Exception e) when (e is InvalidOperationException or ReleaseManagement.Policy.ReleasePolicyException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }

        await using (app)
        {
            try
            {
                return await RunAsync(app.Storage, max, dryRun);
            }
            catch (Exception e) when (e is global::Azure.RequestFailedException or AggregateException or HttpRequestException or global::Azure.Identity.AuthenticationFailedException)
            {
                Console.Error.WriteLine($"Storage could not be reached or refused the request: {e.Message}");
                return 1;
            }
        }
    }

    private static async Task<int> RunAsync(EventStorageClients storage, int max, bool dryRun)
    {
        if (dryRun)
        {
            var exists = (await storage.PoisonQueue.ExistsAsync()).Value;
            var count = exists ? (await storage.PoisonQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;
            Console.WriteLine($"{storage.PoisonQueue.Name}: about {count} message(s) waiting; nothing moved (--dry-run).");
            return 0;
        }

        var moved = await PoisonReplay.ReplayAsync(storage.PoisonQueue, storage.Queue, max);
        Console.WriteLine($"Moved {moved} message(s) from {storage.PoisonQueue.Name} to {storage.Queue.Name}.");
        return 0;
    }
}
