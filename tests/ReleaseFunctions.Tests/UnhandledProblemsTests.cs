using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ReleaseFunctions.Tests.Support;
using ReleaseManagement.Api;

namespace ReleaseFunctions.Tests;

/// <summary>
/// An exception no handler caught, on the local host as a developer runs it (Development, where ASP.NET Core would show the
/// exception page): problem details that never echo the exception, 503 with Retry-After when storage is unreachable.
/// </summary>
public sealed class UnhandledProblemsTests
{
    // Storage on a port nothing listens on: every call fails after the SDK's retries.
    private const string UnreachableStorage =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        "BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;" +
        "TableEndpoint=http://127.0.0.1:9/devstoreaccount1;";

    [Fact]
    public async Task LocalHost_StorageUnreachable_Answers503ProblemWithRetryAfterAndNoExceptionText()
    {
        await using var host = await StartAsync();

        using var response = await host.Client.GetAsync(new Uri("api/releases/rel-1", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter?.Delta);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("Storage is unavailable.", problem.GetProperty("title").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocalHost_DefectInAHandler_Answers500ProblemNamingTheTraceIdOnly()
    {
        await using var host = await StartAsync(app => app.MapGet("/api/test-defect", string () => throw new InvalidOperationException("secret-detail")));

        using var response = await host.Client.GetAsync(new Uri("api/test-defect", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var traceId = problem.GetProperty("traceId").GetString();
        Assert.False(string.IsNullOrEmpty(traceId));
        Assert.Contains(traceId!, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret-detail", problem.GetRawText(), StringComparison.Ordinal);
        Assert.Null(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task LocalHost_ReleaseScheduledButNotStartedInTime_Answers503TheReleaseIsStartingWithRetryAfter()
    {
        // An orchestration that stays Pending (its start message deferred or its first episode abandoned): nothing may be
        // raised to it yet, so the request changes nothing and the client is asked to send it again shortly.
        await using var host = await StartAsync(app => app.MapPost("/api/test-pending/{id}", async (string id, CancellationToken ct) =>
        {
            await RunningRelease.GetStartedInstanceAsync(new PendingForeverClient(), id, ct, wait: TimeSpan.FromMilliseconds(200));
            return "raised";
        }));

        using var response = await host.Client.PostAsync(new Uri("api/test-pending/rel-9", UriKind.Relative), null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(int.Parse(UnhandledProblems.StartingRetryAfterSeconds, System.Globalization.CultureInfo.InvariantCulture)), response.Headers.RetryAfter?.Delta);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("The release is starting.", problem.GetProperty("title").GetString());
        Assert.Contains("'rel-9'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(503, true)]
    [InlineData(429, true)]
    [InlineData(0, true)]
    [InlineData(404, false)]
    [InlineData(409, false)]
    public void IsStorageUnavailable_RequestFailed_ByStatus(int status, bool expected) =>
        Assert.Equal(expected, UnhandledProblems.IsStorageUnavailable(new RequestFailedException(status, "x")));

    [Fact]
    public void IsStorageUnavailable_RetriesWrappedInAggregate_LooksInside()
    {
        Assert.True(UnhandledProblems.IsStorageUnavailable(new AggregateException(new RequestFailedException(0, "a"), new HttpRequestException("b"))));
        Assert.False(UnhandledProblems.IsStorageUnavailable(new AggregateException(new RequestFailedException(0, "a"), new InvalidOperationException("b"))));
        Assert.False(UnhandledProblems.IsStorageUnavailable(new InvalidOperationException("defect")));
    }

    [Fact]
    public async Task IsStorageUnavailable_StorageAcceptsButNeverAnswers_TheSdksTimeoutIsUnavailable()
    {
        // A storage endpoint that takes the connection and never answers (seen under load: the evidence API answered 500
        // with three 5 s network timeouts); the SDK's own exception, whatever its shape, must read as "unavailable".
        using var silent = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var options = new Azure.Data.Tables.TableClientOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.Retry.NetworkTimeout = TimeSpan.FromMilliseconds(300);
        var table = new Azure.Data.Tables.TableClient(UnreachableStorage.Replace("127.0.0.1:9/", $"127.0.0.1:{port}/", StringComparison.Ordinal), "silent", options);

        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => table.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("p", "r", cancellationToken: TestContext.Current.CancellationToken));

        Assert.True(UnhandledProblems.IsStorageUnavailable(thrown), thrown.ToString());
    }

    private static async Task<RunningHost> StartAsync(Action<WebApplication>? map = null)
    {
        var composition = LocalHostComposition.Build(
            new Dictionary<string, string?> { ["AzureWebJobsStorage"] = UnreachableStorage, ["urls"] = "http://127.0.0.1:0" },
            environment: "Development");
        map?.Invoke(composition.App);
        await composition.App.StartAsync(TestContext.Current.CancellationToken);
        var address = composition.App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningHost(composition, new HttpClient { BaseAddress = new Uri(address + "/"), Timeout = TimeSpan.FromSeconds(90) });
    }

    /// <summary>A Durable client whose every instance is Pending and never starts (only what the start wait calls).</summary>
    private sealed class PendingForeverClient() : Microsoft.DurableTask.Client.DurableTaskClient("pending")
    {
        public override Task<Microsoft.DurableTask.Client.OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
            Task.FromResult<Microsoft.DurableTask.Client.OrchestrationMetadata?>(
                new Microsoft.DurableTask.Client.OrchestrationMetadata(ReleaseManagement.Orchestration.OrchestratorNames.Release, instanceId)
                {
                    RuntimeStatus = Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Pending,
                });

        public override async Task<Microsoft.DurableTask.Client.OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
        {
            await Task.Delay(Timeout.Infinite, cancellation);
            throw new InvalidOperationException("unreachable");
        }

        public override Microsoft.DurableTask.AsyncPageable<Microsoft.DurableTask.Client.OrchestrationMetadata> GetAllInstancesAsync(Microsoft.DurableTask.Client.OrchestrationQuery? filter = null) => throw new NotSupportedException();

        public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task<string> ScheduleNewOrchestrationInstanceAsync(Microsoft.DurableTask.TaskName orchestratorName, object? input = null, Microsoft.DurableTask.StartOrchestrationOptions? options = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task<Microsoft.DurableTask.Client.OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task<Microsoft.DurableTask.Client.PurgeResult> PurgeInstanceAsync(string instanceId, Microsoft.DurableTask.Client.PurgeInstanceOptions? options = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task<Microsoft.DurableTask.Client.PurgeResult> PurgeAllInstancesAsync(Microsoft.DurableTask.Client.PurgeInstancesFilter filter, Microsoft.DurableTask.Client.PurgeInstanceOptions? options = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed record RunningHost(LocalHostComposition Composition, HttpClient Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Composition.App.StopAsync();
            await Composition.DisposeAsync();
        }
    }
}
