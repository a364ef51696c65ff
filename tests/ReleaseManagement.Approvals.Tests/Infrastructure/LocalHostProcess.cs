using SharedHost = ReleaseFunctions.TestSupport.LocalHostProcess;

namespace ReleaseManagement.Approvals.Tests.Infrastructure;

/// <summary>
/// The local host (the shared <see cref="SharedHost"/>) as the approval tests run it: a free port known up front so the
/// emailed links point at it, the tests' Azurite with its own task hub, and Information logging, so tests can check
/// what it logged (and that no token ever appears there).
/// </summary>
public static class LocalHostProcess
{
    public static Task<SharedHost> StartAsync(IReadOnlyDictionary<string, string> settings, CancellationToken ct = default)
    {
        var port = SharedHost.FreePort();
        var all = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = TestEnvironment.AzuriteConnectionString,
            ["TaskHubName"] = "apv" + Guid.NewGuid().ToString("N")[..12],
            ["Approvals__PublicBaseUrl"] = $"http://127.0.0.1:{port}",
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__LogLevel__Default"] = "Information",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return SharedHost.StartAsync(all, port, ct);
    }
}
