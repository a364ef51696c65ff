// Moves messages from the poison queue back to the pipeline-events queue, each sent before it is deleted.
// Storage comes from AzureWebJobsStorage (a connection string, or AzureWebJobsStorage__accountName with an Azure login);
// the queue from --queue, else PipelineEvents__Queue (default pipeline-events); its poison queue is its name plus "-poison".
//   ReplayPoison [--queue NAME] [--max N] [--dry-run]
using ReleaseManagement.Tools.ReplayPoison;

return await ReplayPoisonCommand.RunAsync(args);
