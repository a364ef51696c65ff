using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Api;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Approvals.Tests.Infrastructure;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Approvals.Tests;

/// <summary>
/// The decision service on Azurite tables with the in-process Durable engine, whose orchestration here collects every
/// decision event it receives (until told to stop), so the tests can count what was raised.
/// </summary>
public sealed class InProcessDecisionTests : IAsyncLifetime
{
    private const string Collector = "CollectDecisions";
    private const string Stop = "stop";
    private DurableTaskTestHost _durable = null!;
    private ServiceProvider _services = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _durable = await ReleaseFunctions.TestSupport.InProcessEngine.StartAsync(r => r.AddOrchestratorFunc<string, List<string>>(Collector, async (context, stage) =>
        {
            var ids = new List<string>();
            var stop = context.WaitForExternalEvent<bool>(Stop);
            while (true)
            {
                var next = context.WaitForExternalEvent<ApprovalDecision>(ApprovalStages.EventName(stage));
                if (await Task.WhenAny(next, stop) == stop)
                {
                    return ids;
                }

                ids.Add((await next).DecisionId);
            }
        }));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = TestEnvironment.AzuriteConnectionString,
            ["Approvals:PublicBaseUrl"] = "http://approvals.test",
            ["Approvals:FormKey"] = ApprovalSystem.FormKey,
            ["Approvals:RequireSignedInApprover"] = "false",
            ["Email:Transport"] = "File",
            ["Email:From"] = "releases@example.com",
            ["Email:FileDirectory"] = Path.Combine(Path.GetTempPath(), "approvals-inproc-" + Guid.NewGuid().ToString("N")),
        }).AddInMemoryCollection(ReleaseFunctions.TestSupport.AuditTestKeys.Settings).Build();
        _services = new ServiceCollection().AddLogging().AddReleaseManagement(configuration).BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _durable.DisposeAsync();
    }

    private async Task<(string ReleaseId, string Token)> WaitingReleaseWithLinkAsync(string approver = "lead@example.com", string role = "technical-lead")
    {
        var id = TestEnvironment.UniqueId("inp");
        var now = DateTimeOffset.UtcNow;
        // The release names its approvers, as a request does: the decision API refuses a person holding none of the stage's roles.
        var approvers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["product-owner"] = ["owner@example.com"],
            ["technical-lead"] = ["lead@example.com", "lead2@example.com"],
            ["qa-lead"] = ["qa@example.com"],
        };
        approvers[role] = [.. approvers.GetValueOrDefault(role, []).Append(approver).Distinct(StringComparer.OrdinalIgnoreCase)];
        var request = new ReleaseRequest(
            id, "Payments 7", ReleaseType.Patch, ["payments"], DateOnly.FromDateTime(now.UtcDateTime.AddDays(5)), "requester@example.com", approvers);
        Assert.True(await _services.GetRequiredService<IReleaseStore>().TryCreateAsync(new ReleaseRecord(request, now, ReleasePhase.Planning, ReleaseStatus.Active, null, now), Ct));
        await _durable.Client.ScheduleNewOrchestrationInstanceAsync(Collector, ApprovalStages.Plan, new StartOrchestrationOptions(id), Ct);
        await _durable.Client.WaitForInstanceStartAsync(id, Ct);

        var (token, hash) = ApprovalTokens.Create();
        await _services.GetRequiredService<IApprovalRequestStore>().AddAsync(
            new ApprovalRequest(hash, id, ApprovalStages.Plan, 1, ApprovalKind.Request, approver, role, now, now.AddDays(1)), Ct);
        return (id, token);
    }

    private async Task<List<string>> RaisedAsync(string releaseId)
    {
        await _durable.Client.RaiseEventAsync(releaseId, Stop, true, Ct);
        var done = await _durable.Client.WaitForInstanceCompletionAsync(releaseId, getInputsAndOutputs: true, Ct);
        return done.ReadOutputAs<List<string>>()!;
    }

    [Fact]
    public async Task ConcurrentSubmits_OfOneLink_RecordAndRaiseExactlyOneDecision()
    {
        var (id, token) = await WaitingReleaseWithLinkAsync();
        var service = _services.GetRequiredService<ApprovalDecisionService>();
        var client = new DecisionClient("127.0.0.1", "test", null);

        using var start = new ManualResetEventSlim();
        var submits = Enumerable.Range(0, 12).Select(i => Task.Run(
            async () =>
            {
                start.Wait(Ct);
                return await service.DecideByLinkAsync(token, i % 2 == 0, $"submit {i}", client, _durable.Client, Ct);
            },
            Ct)).ToList();
        start.Set();
        var results = await Task.WhenAll(submits);

        var recorded = Assert.Single(results, r => r.Outcome == DecisionAttemptOutcome.Recorded);
        Assert.All(results.Where(r => r != recorded), r => Assert.Equal(DecisionAttemptOutcome.AlreadyDecided, r.Outcome));
        var stored = Assert.Single(await _services.GetRequiredService<IApprovalDecisionStore>().ListAsync(id, ApprovalStages.Plan, Ct));
        Assert.Equal(recorded.Decision!.DecisionId, stored.DecisionId);
        Assert.Equal([recorded.Decision.DecisionId], await RaisedAsync(id));
    }

    [Fact]
    public async Task ConfirmationPage_ListsWhoElseHasDecided_HtmlEncoded()
    {
        var (id, token) = await WaitingReleaseWithLinkAsync();
        var service = _services.GetRequiredService<ApprovalDecisionService>();
        var other = await service.DecideDirectAsync(
            id, ApprovalStages.Plan, true, "lead2@example.com", "technical-lead", "<b>ship it</b>", new DecisionClient(null, null, null), _durable.Client, Ct);
        Assert.Equal(DecisionAttemptOutcome.Recorded, other.Outcome);

        var (status, html) = await RenderAsync(await _services.GetRequiredService<ApprovalPageHandlers>().ShowAsync(token, _durable.Client, Ct));
        Assert.Equal(200, status);
        Assert.Contains("<strong>lead2@example.com</strong> (technical-lead): approved at", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;ship it&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>ship it", html, StringComparison.Ordinal);
        Assert.Contains("technical-lead", html, StringComparison.Ordinal);
        Assert.Equal([other.Decision!.DecisionId], await RaisedAsync(id));
    }

    [Fact]
    public async Task RequesterMayApprove_WhenThePolicyFlagAllowsIt()
    {
        var (id, token) = await WaitingReleaseWithLinkAsync(approver: "requester@example.com");
        var strict = _services.GetRequiredService<ApprovalDecisionService>();
        var refused = await strict.DecideByLinkAsync(token, true, null, new DecisionClient(null, null, null), _durable.Client, Ct);
        Assert.Equal(DecisionAttemptOutcome.RequesterMayNotApprove, refused.Outcome);

        var lenient = ActivatorUtilities.CreateInstance<ApprovalDecisionService>(
            _services, Microsoft.Extensions.Options.Options.Create(new ApprovalOptions
            {
                PublicBaseUrl = "http://approvals.test", FormKey = ApprovalSystem.FormKey, RequireSignedInApprover = false, RequesterMayApprove = true,
            }));
        var allowed = await lenient.DecideByLinkAsync(token, true, null, new DecisionClient(null, null, null), _durable.Client, Ct);
        Assert.Equal(DecisionAttemptOutcome.Recorded, allowed.Outcome);
        Assert.Equal([allowed.Decision!.DecisionId], await RaisedAsync(id));
    }

    [Fact]
    public async Task StageClosedBeforeItsLinksWere_LinkAndApiDecideNothing_AndTheGetWritesNothing()
    {
        // The window between the closing activity marking the stage and closing each link: the mark alone must hold.
        var (id, token) = await WaitingReleaseWithLinkAsync();
        var requests = _services.GetRequiredService<IApprovalRequestStore>();
        var closedAt = DateTimeOffset.UtcNow;
        await requests.MarkStageClosedAsync(new ApprovalStageClosure(id, ApprovalStages.Plan, "The plan stage was approved.", closedAt), Ct);
        await requests.MarkStageClosedAsync(new ApprovalStageClosure(id, ApprovalStages.Plan, "a retry", closedAt.AddMinutes(1)), Ct);
        var service = _services.GetRequiredService<ApprovalDecisionService>();
        var client = new DecisionClient(null, null, null);

        var (status, html) = await RenderAsync(await _services.GetRequiredService<ApprovalPageHandlers>().ShowAsync(token, _durable.Client, Ct));
        Assert.Equal(410, status);
        Assert.Contains("The plan stage was approved.", html, StringComparison.Ordinal);
        Assert.Equal(ApprovalRequestState.Open, (await requests.GetAsync(ApprovalTokens.Hash(token), Ct))!.State);

        var byLink = await service.DecideByLinkAsync(token, true, null, client, _durable.Client, Ct);
        Assert.Equal((DecisionAttemptOutcome.Closed, "The plan stage was approved."), (byLink.Outcome, byLink.Closure?.Reason));
        var link = await requests.GetAsync(ApprovalTokens.Hash(token), Ct);
        Assert.Equal((ApprovalRequestState.Closed, "The plan stage was approved."), (link!.State, link.ClosedReason));

        var byApi = await service.DecideDirectAsync(id, ApprovalStages.Plan, true, "owner@example.com", "product-owner", null, client, _durable.Client, Ct);
        Assert.Equal(DecisionAttemptOutcome.Closed, byApi.Outcome);
        Assert.Equal(closedAt, byApi.Closure!.ClosedAt);

        var other = await service.DecideDirectAsync(id, ReleaseManagement.Policy.ApprovalStageKeys.PromotionStaging, true, "qa@example.com", "qa-lead", null, client, _durable.Client, Ct);
        Assert.Equal(DecisionAttemptOutcome.Recorded, other.Outcome);
        Assert.Empty(await _services.GetRequiredService<IApprovalDecisionStore>().ListAsync(id, ApprovalStages.Plan, Ct));
        Assert.Equal([other.Decision!.DecisionId], await RaisedAsync(id)); // only the open stage's decision reached the release
    }

    private static async Task<(int Status, string Body)> RenderAsync(IResult result)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        using var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        return (context.Response.StatusCode, Encoding.UTF8.GetString(body.ToArray()));
    }
}
