using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using ReleaseManagement.Api;
using ReleaseManagement.Api.Dashboard;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddReleaseManagement(builder.Configuration);
builder.Services.AddDashboard();
builder.Build().Run();
