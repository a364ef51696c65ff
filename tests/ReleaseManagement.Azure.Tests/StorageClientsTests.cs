using Microsoft.Extensions.Configuration;
using ReleaseManagement.Azure.Storage;

namespace ReleaseManagement.Azure.Tests;

public sealed class StorageClientsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void FromConfiguration_ConnectionString_UsesItForTablesAndQueues()
    {
        var clients = StorageClients.FromConfiguration(Config(("AzureWebJobsStorage", Azurite.ConnectionString)));

        Assert.Equal(Azurite.ConnectionString, clients.ConnectionString);
        Assert.Null(clients.Credential);
        Assert.Equal("devstoreaccount1", clients.Tables.AccountName);
    }

    [Fact]
    public void FromConfiguration_IdentityBasedAccountName_BuildsServiceUrisAndACredential()
    {
        var clients = StorageClients.FromConfiguration(Config(("AzureWebJobsStorage:accountName", "streleasefns"), ("AzureWebJobsStorage:clientId", "00000000-0000-0000-0000-000000000001")));

        Assert.Null(clients.ConnectionString);
        Assert.NotNull(clients.Credential);
        Assert.Equal(new Uri("https://streleasefns.table.core.windows.net/"), clients.Tables.Uri);
        Assert.Equal(new Uri("https://streleasefns.queue.core.windows.net/"), clients.Queues.Uri);
    }

    [Fact]
    public void FromConfiguration_NothingConfigured_ThrowsNamingTheSettings()
    {
        var e = Assert.Throws<InvalidOperationException>(() => StorageClients.FromConfiguration(Config()));

        Assert.Contains("AzureWebJobsStorage__accountName", e.Message);
    }
}
