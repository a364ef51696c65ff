using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReleaseManagement.Api;
using ReleaseManagement.Azure.Storage;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Orchestration;
using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

public sealed class PolicyApiTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("policy-api-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Status, string ContentType, JsonNode Body)> ExecuteAsync(IResult result)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider(),
        };
        using var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        return (context.Response.StatusCode, context.Response.ContentType ?? "", JsonNode.Parse(body.ToArray())!);
    }

    [Fact]
    public async Task Get_ReturnsTheEffectivePolicyInTheFileShape()
    {
        var policy = WithApprovers();

        var (status, contentType, body) = await ExecuteAsync(new PolicyHandlers(policy).Get());

        Assert.Equal(200, status);
        Assert.StartsWith("application/json", contentType);
        Assert.True(JsonNode.DeepEquals(JsonSerializer.SerializeToNode(policy, PolicyJson.Options), body));
        Assert.Equal("3.00:00:00", body["approvals"]!["plan"]!["timeout"]!.GetValue<string>());
        Assert.True(ReleasePolicyLoader.Parse(body.ToJsonString()).IsValid);
    }

    private IServiceCollection Services(string? policyPath)
    {
        var settings = new Dictionary<string, string?> { [StorageClients.ConnectionName] = "UseDevelopmentStorage=true" };
        if (policyPath is not null)
        {
            settings[ReleasePolicyLoader.PathSetting] = policyPath;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).AddInMemoryCollection(ReleaseFunctions.TestSupport.AuditTestKeys.Settings).Build();
        return new ServiceCollection().AddLogging().AddReleaseManagement(configuration);
    }

    [Fact]
    public void AddReleaseManagement_PolicyPathSetting_RegistersThatPolicy()
    {
        var path = Path.Combine(_dir, "policy.json");
        File.WriteAllText(path, PolicyJson.Serialize(WithApprovers() with { TimeZone = "Europe/London" }));

        using var provider = Services(path).BuildServiceProvider();

        Assert.Equal("Europe/London", provider.GetRequiredService<ReleasePolicy>().TimeZone);
        Assert.NotNull(provider.GetRequiredService<PolicyHandlers>());
    }

    [Fact]
    public void AddReleaseManagement_InvalidPolicy_StopsStartUpListingEveryError()
    {
        var path = Path.Combine(_dir, "policy.json");
        var json = JsonSerializer.SerializeToNode(ReleasePolicyDefaults.Create(), PolicyJson.Options)!;
        json["timeZone"] = "Atlantis/Capital";
        json["approvals"]!["emergency"]!["timeout"] = "soon";
        File.WriteAllText(path, json.ToJsonString());

        var e = Assert.Throws<ReleasePolicyException>(() => Services(path));

        Assert.Equal(["$.approvals.emergency.timeout"], e.Errors.Select(x => x.Path)); // schema errors come first; rules run on a well-formed policy
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void AddReleaseManagement_NoPolicyFile_UsesTheDefaults()
    {
        using var provider = Services(null).BuildServiceProvider();

        Assert.True(JsonNode.DeepEquals(
            JsonSerializer.SerializeToNode(ReleasePolicyDefaults.Create(), PolicyJson.Options),
            JsonSerializer.SerializeToNode(provider.GetRequiredService<ReleasePolicy>(), PolicyJson.Options)));
    }

    [Fact]
    public async Task CreateAsync_RequestAgainstThePolicy_Is400WithThePolicyErrorsAndWritesNothing()
    {
        var connection = System.Environment.GetEnvironmentVariable("AZURITE_CONNECTION_STRING");
        Assert.SkipWhen(connection is null, "AZURITE_CONNECTION_STRING is not set (scripts/test.sh starts Azurite).");
        var store = new TableReleaseStore(StorageClients.FromConnectionString(connection!).Tables);
        await using var durable = await ReleaseFunctions.TestSupport.InProcessEngine.StartAsync(r => r.AddReleaseTasks(), cancellationToken: TestContext.Current.CancellationToken);
        var time = new FakeTimeProvider(NewYorkTime(2026, 11, 27, 10));
        var snapshots = new ReleaseFunctions.TestSupport.InMemoryPolicySnapshots();
        var handlers = new ReleaseHandlers(store, time, Options.Create(new ReleaseOptions()), NullLogger<ReleaseHandlers>.Instance, Default,
            new ReleaseManagement.Api.Audit.AuditRecorder(new ReleaseFunctions.TestSupport.InMemoryAuditTrail(), time), new ReleasePolicies(snapshots, Default));
        var id = $"policy-{Guid.NewGuid():N}";
        var request = new DefaultHttpContext().Request;
        request.ContentType = "application/json";
        request.Body = new MemoryStream(Encoding.UTF8.GetBytes(
            $$"""{"id":"{{id}}","title":"Big one","type":"Major","systems":["Billing","Payroll"],"targetDate":"2026-12-10","requestedBy":"dev@example.com"}"""));

        var (status, _, body) = await ExecuteAsync(await handlers.CreateAsync(request, durable.Client, TestContext.Current.CancellationToken));

        Assert.Equal(400, status);
        Assert.Equal("The release request does not meet the release policy.", body["title"]!.GetValue<string>());
        var errors = body["errors"]!.AsObject();
        Assert.Contains("systems[1]", errors.Select(e => e.Key));
        Assert.Contains("approvers.executive", errors.Select(e => e.Key));
        Assert.Contains(errors["targetDate"]!.AsArray(), m => m!.GetValue<string>().StartsWith("A Major release must be planned at least 90 days ahead"));
        Assert.Null(await store.GetAsync(id, TestContext.Current.CancellationToken));
        Assert.Null(await durable.Client.GetInstanceAsync(id, TestContext.Current.CancellationToken));
        Assert.Equal(0, snapshots.Saves);
    }
}
