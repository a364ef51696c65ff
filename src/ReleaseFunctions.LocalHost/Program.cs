using ReleaseFunctions.LocalHost;

var builder = LocalHostApplication.CreateBuilder(args);
var durableOptions = builder.Configuration.GetSection(LocalDurableOptions.Section).Get<LocalDurableOptions>() ?? new LocalDurableOptions();
using var bootLogging = LoggerFactory.Create(l => l.AddConsole().AddConfiguration(builder.Configuration.GetSection("Logging")));
await using var sidecar = await DurableSidecar.StartAsync(LocalHostApplication.Storage(builder.Configuration), builder.Configuration["TaskHubName"]!, durableOptions, bootLogging);

var app = LocalHostApplication.Build(builder, sidecar.Channel);
app.Logger.LogInformation("ReleaseFunctions local host: task hub {TaskHub}, API under {Urls}/api", builder.Configuration["TaskHubName"], builder.Configuration["urls"]);
await app.RunAsync();
