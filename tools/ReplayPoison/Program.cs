// Moves messages from the poison queue back to the pipeline-events queue, each sent before it is deleted.
// Storage comes from AzureWebJobsStorage (a connection string, or AzureWebJobsStorage__accountName with an Azure login).
//   ReplayPoison [--queue NAME] [--max N] [--dry-run]
using System.Globalization;
using Microsoft.Extensions.Configuration;
using ReleaseManagement.Azure.Events;

var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
var queue = configuration["PipelineEvents:Queue"] ?? EventStorageNames.DefaultQueue;
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

EventStorageClients storage;
try
{
    storage = EventStorageClients.FromConfiguration(configuration, new EventStorageNames(Queue: queue, PoisonQueue: queue + "-poison"));
}
catch (InvalidOperationException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}

try
{
    return await RunAsync(storage, max, dryRun);
}
catch (Exception e) when (e is Azure.RequestFailedException or AggregateException or HttpRequestException or Azure.Identity.AuthenticationFailedException)
{
    Console.Error.WriteLine($"Storage could not be reached or refused the request: {e.Message}");
    return 1;
}

static async Task<int> RunAsync(EventStorageClients storage, int max, bool dryRun)
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
