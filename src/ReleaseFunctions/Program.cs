using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using ReleaseManagement.Api;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<ReleaseFunctions.ProblemMiddleware>();
builder.UseMiddleware<ReleaseFunctions.AuthMiddleware>();
builder.Services.AddReleaseManagement(builder.Configuration);
builder.Build().Run();
