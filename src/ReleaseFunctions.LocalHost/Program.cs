using Microsoft.Extensions.Configuration.Memory;
using ReleaseFunctions.LocalHost;
using ReleaseManagement.Azure.Storage;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// Defaults for a developer machine; every one can be overridden by environment (Section__Key) or command line.
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
        ["Approvals:FormKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        // The audit trail's development key: fixed, so a trail kept in .local/azurite still verifies after a restart.
        // For this machine only; in Azure the key is a Key Vault reference (docs/api.md, "Audit trail").
        ["Audit:SigningKeyId"] = "development",
        ["Audit:SigningKeys:development"] = "bG9jYWwtZGV2ZWxvcG1lbnQtb25seS1hdWRpdC1rZXktMDAwMDAwMDAwMDA=",
    },
});

var durableOptions = builder.Configuration.GetSection(LocalDurableOptions.Section).Get<LocalDurableOptions>() ?? new LocalDurableOptions();
var storage = builder.Configuration[StorageClients.ConnectionName]
    ?? throw new InvalidOperationException($"The local host needs a storage connection string in '{StorageClients.ConnectionName}'.");
using var bootLogging = LoggerFactory.Create(l => l.AddConsole().AddConfiguration(builder.Configuration.GetSection("Logging")));
await using var sidecar = await DurableSidecar.StartAsync(storage, builder.Configuration["TaskHubName"]!, durableOptions, bootLogging);

builder.Services.AddLocalHost(builder.Configuration, sidecar.Channel);

var app = builder.Build();
app.UseReleaseHost();
app.Logger.LogInformation("ReleaseFunctions local host: task hub {TaskHub}, API under {Urls}/api", builder.Configuration["TaskHubName"], builder.Configuration["urls"]);
await app.RunAsync();
