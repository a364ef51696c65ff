// Imports pipeline event history through the webhook path's normalization, correlation and deduplication (docs/import.md).
// Storage comes from AzureWebJobsStorage (a connection string, or AzureWebJobsStorage__accountName with an Azure login);
// the policy (time zone) from Policy__Path, correlation from Webhooks__Correlation__*, the table from PipelineEvents__Table.
//   ImportHistory FILE [--format jsonl|csv] [--dry-run] [--parallel N]
using ReleaseManagement.Tools.ImportHistory;

return await ImportHistoryCommand.RunAsync(args, ImportHistoryComposition.Configuration());
