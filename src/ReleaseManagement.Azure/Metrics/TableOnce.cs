using Azure.Data.Tables;

namespace ReleaseManagement.Azure.Metrics;

internal static class TableOnce
{
    public static async Task EnsureAsync(TableClient table, Func<bool> created, Action mark, CancellationToken cancellationToken)
    {
        if (created())
        {
            return;
        }

        await table.CreateIfNotExistsAsync(cancellationToken);
        mark();
    }
}
