using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using ReleaseFunctions;
using ReleaseManagement.Api;
using ReleaseManagement.Telemetry;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<ReleaseFunctions.ProblemMiddleware>();
builder.UseMiddleware<ReleaseFunctions.AuthMiddleware>();
builder.Services.AddReleaseManagement(builder.Configuration);

// OpenTelemetry (host.json "telemetryMode": "OpenTelemetry"): the worker's invocation spans, the app's source and meter and
// the Durable Task SDK's spans, exported to Application Insights when its connection string is set (docs/operations.md).
var telemetry = builder.Services.AddOpenTelemetry()
    .UseFunctionsWorkerDefaults()
    .WithTracing(t => t.AddSource(ReleaseTelemetry.Name, ReleaseTelemetry.DurableTaskSource))
    .WithMetrics(m => m.AddMeter(ReleaseTelemetry.Name));
if (AzureMonitorTelemetry.ConnectionString(builder.Configuration) is not null)
{
    telemetry.UseAzureMonitorExporter(o => AzureMonitorTelemetry.Configure(o, builder.Configuration));
}

builder.Build().Run();
