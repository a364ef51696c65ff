using Grpc.Net.Client;
using Microsoft.Extensions.Configuration.Memory;
using ReleaseManagement.Azure.Storage;

namespace ReleaseFunctions.LocalHost;

/// <summary>
/// The local host's composition root, called by its <c>Program.cs</c> and by the tests that build every program's
/// composition: the developer-machine defaults (<see cref="CreateBuilder"/>), then <see cref="LocalHostExtensions.AddLocalHost"/>
/// and the request pipeline (<see cref="Build"/>). Only the Durable sidecar, which needs storage, is left to the entry point.
/// </summary>
public static class LocalHostApplication
{
    /// <summary>The builder with the defaults for a developer machine; every one can be overridden by environment (<c>Section__Key</c>) or command line.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                [StorageClients.ConnectionName] = "UseDevelopmentStorage=true",
                ["TaskHubName"] = "ReleaseFunctionsLocal",
                ["urls"] = "http://localhost:7071",
                // Approvals: emails go to .local/mail (listed at /dev/mailbox); no App Service sign-in here; a fresh form key per run.
                ["Email:Transport"] = "File",
                ["Email:From"] = "Release Management <releases@localhost>",
                ["Approvals:PublicBaseUrl"] = "http://localhost:7071",
                ["Approvals:RequireSignedInApprover"] = "false",
                // Identity: no App Service authentication here; requests may name their person, or use the dev sign-in.
                ["Auth:Mode"] = "Development",
                ["Approvals:FormKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                // The audit trail's development key: fixed, so a trail kept in .local/azurite still verifies after a restart.
                // For this machine only; in Azure the key is a Key Vault reference (docs/api.md, "Audit trail").
                ["Audit:SigningKeyId"] = "development",
                ["Audit:SigningKeys:development"] = "bG9jYWwtZGV2ZWxvcG1lbnQtb25seS1hdWRpdC1rZXktMDAwMDAwMDAwMDA=",
            },
        });
        return builder;
    }

    /// <summary>The storage connection string the Durable sidecar runs on.</summary>
    public static string Storage(IConfiguration configuration) => configuration[StorageClients.ConnectionName]
        ?? throw new InvalidOperationException($"The local host needs a storage connection string in '{StorageClients.ConnectionName}'.");

    /// <summary>The services (<see cref="LocalHostExtensions.AddLocalHost"/>, Durable worker and client on <paramref name="durableChannel"/>) and the request pipeline.</summary>
    public static WebApplication Build(WebApplicationBuilder builder, GrpcChannel durableChannel)
    {
        builder.Services.AddLocalHost(builder.Configuration, durableChannel);
        var app = builder.Build();
        app.UseReleaseHost();
        return app;
    }
}
