using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReleaseManagement.Api;
using ReleaseManagement.Azure.Telemetry;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<ReleaseFunctions.ProblemMiddleware>();
builder.UseMiddleware<ReleaseFunctions.AuthMiddleware>();
builder.Services.AddReleaseManagement(builder.Configuration);

// OpenTelemetry (host.json "telemetryMode": "OpenTelemetry"): the worker's invocation spans, and the app's signals exported to
// Application Insights when its connection string is set (AzureMonitorTelemetry; docs/operations.md, "Telemetry").
builder.Services.AddOpenTelemetry()
    .UseFunctionsWorkerDefaults()
    .AddReleaseTelemetry(builder.Configuration);

builder.Build().Run();
