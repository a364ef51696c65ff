using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Tools.ImportHistory;

/// <summary>What the import's entry point runs on: the container and every service it resolves from it.</summary>
public sealed record ImportHistoryApp(ServiceProvider Services, ReleasePolicy Policy, HistoryImporter Importer) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Services.DisposeAsync();
}

/// <summary>
/// The import tool's composition root, called by its <c>Program.cs</c> and by the tests that build every program's
/// composition (tests/ReleaseFunctions.Tests/CompositionRootTests).
/// </summary>
public static class ImportHistoryComposition
{
    /// <summary>The settings as the tool reads them: the environment (<c>Section__Key</c>).</summary>
    public static IConfiguration Configuration() => new ConfigurationBuilder().AddEnvironmentVariables().Build();

    /// <summary>
    /// Builds the container and resolves every service the entry point uses, so a missing registration or an invalid
    /// setting fails here (<see cref="InvalidOperationException"/>, <see cref="ReleasePolicyException"/>,
    /// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>), before a line is read.
    /// </summary>
    public static ImportHistoryApp Build(IConfiguration configuration)
    {
        var services = new ServiceCollection()
            .AddLogging(l => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning))
            .AddHistoryImport(configuration)
            .BuildServiceProvider();
        try
        {
            return new ImportHistoryApp(services, services.GetRequiredService<ReleasePolicy>(), services.GetRequiredService<HistoryImporter>());
        }
        catch
        {
            services.Dispose();
            throw;
        }
    }
}
