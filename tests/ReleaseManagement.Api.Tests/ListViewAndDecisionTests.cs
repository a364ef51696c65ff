using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Tests;

public sealed class ListViewAndDecisionTests : IAsyncLifetime
{
    private ApiHarness _h = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _h = await ApiHarness.StartAsync();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    private Task<Answer> ListAsync(string query) => _h.CallAsync(_ => _h.Releases.ListAsync(_, Ct), query: query, method: "GET");

    private Task<Answer> GetAsync(string id) => _h.CallAsync(_ => _h.Releases.GetAsync(id, _h.Client, Ct), method: "GET");

    /// <summary>Stores a release directly (no orchestration) on a system name no other test uses.</summary>
    private async Task<string> StoreAsync(string system, ReleaseType type, ReleaseStatus status, DateTimeOffset createdAt)
    {
        var id = ApiHarness.NewId("list");
        var request = new ReleaseRequest(id, $"List {type} {status}", type, [system], DateOnly.FromDateTime(createdAt.UtcDateTime.AddDays(40)));
        Assert.True(await _h.Store.TryCreateAsync(new ReleaseRecord(request, createdAt, ReleasePhase.Submitted, ReleaseStatus.Active, "Submitted.", createdAt), Ct));
        if (status != ReleaseStatus.Active)
        {
            await _h.Store.ApplyAsync(ReleaseFunctions.TestSupport.StatusWrites.Change(id, ReleasePhase.Closed, status, $"Ended {status}.", createdAt.AddHours(1)), Ct);
        }

        return id;
    }

    private static string[] Ids(Answer answer) => answer.Body!["releases"]!.AsArray().Select(r => (string)r!["id"]!).ToArray();

    [Fact]
    public async Task List_FiltersBySystemStatusAndType_NewestFirst()
    {
        var system = "sys-" + Guid.NewGuid().ToString("N")[..8];
        var t0 = _h.Time.GetUtcNow();
        var minorActive = await StoreAsync(system, ReleaseType.Minor, ReleaseStatus.Active, t0);
        var majorActive = await StoreAsync(system, ReleaseType.Major, ReleaseStatus.Active, t0.AddMinutes(1));
        var minorCancelled = await StoreAsync(system, ReleaseType.Minor, ReleaseStatus.Cancelled, t0.AddMinutes(2));

        var all = await ListAsync($"?system={system}");
        var active = await ListAsync($"?system={system.ToUpperInvariant()}&status=active");
        var minor = await ListAsync($"?system={system}&type=Minor");
        var cancelledMinor = await ListAsync($"?system={system}&type=minor&status=Cancelled");

        Assert.Equal(200, all.Status);
        Assert.Equal([minorCancelled, majorActive, minorActive], Ids(all));
        Assert.Equal(3, (int)all.Body!["count"]!);
        Assert.Equal([majorActive, minorActive], Ids(active));
        Assert.Equal([minorCancelled, minorActive], Ids(minor));
        Assert.Equal([minorCancelled], Ids(cancelledMinor));
        var row = all.Body!["releases"]![0]!;
        Assert.Equal("Cancelled", (string?)row["status"]);
        Assert.Equal("Closed", (string?)row["phase"]);
        Assert.Equal("Ended Cancelled.", (string?)row["statusReason"]);
        Assert.Equal(system, (string?)row["systems"]![0]);
    }

    /// <summary>Stores a release targeting <paramref name="target"/>, created and (when not active) ended at <paramref name="at"/>.</summary>
    private async Task<string> StoreTargetingAsync(string system, DateOnly target, ReleaseStatus status, DateTimeOffset at)
    {
        var id = ApiHarness.NewId("list");
        var request = new ReleaseRequest(id, $"List {status}", ReleaseType.Minor, [system], target);
        Assert.True(await _h.Store.TryCreateAsync(new ReleaseRecord(request, at, ReleasePhase.Submitted, ReleaseStatus.Active, "Submitted.", at), Ct));
        if (status != ReleaseStatus.Active)
        {
            await _h.Store.ApplyAsync(ReleaseFunctions.TestSupport.StatusWrites.Change(id, ReleasePhase.Closed, status, $"Ended {status}.", at), Ct);
        }

        return id;
    }

    [Fact]
    public async Task List_FromToAndMax_ListThoseTargetDatesOfAnyAgeNewestFirst()
    {
        var system = "sys-" + Guid.NewGuid().ToString("N")[..8];
        var now = _h.Time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var longAgo = await StoreTargetingAsync(system, today.AddYears(-2), ReleaseStatus.Completed, now.AddYears(-2).AddDays(-30));
        var lastMonth = await StoreTargetingAsync(system, today.AddDays(-30), ReleaseStatus.Cancelled, now.AddDays(-40));
        var next = await StoreTargetingAsync(system, today.AddDays(20), ReleaseStatus.Active, now.AddDays(-1));

        var recent = await ListAsync($"?system={system}");
        var dated = await ListAsync($"?system={system}&from={today.AddYears(-2).AddDays(-1):yyyy-MM-dd}&to={today.AddYears(-2).AddDays(300):yyyy-MM-dd}");
        var window = await ListAsync($"?system={system}&from={today.AddDays(-31):yyyy-MM-dd}&to={today.AddDays(31):yyyy-MM-dd}");
        var one = await ListAsync($"?system={system}&from={today.AddDays(-31):yyyy-MM-dd}&to={today.AddDays(31):yyyy-MM-dd}&max=1");

        Assert.Equal([next, lastMonth], Ids(recent)); // ended two years ago: past the default window
        Assert.Equal([longAgo], Ids(dated));
        Assert.Equal([next, lastMonth], Ids(window));
        Assert.Equal([next], Ids(one));
    }

    [Theory]
    [InlineData("?status=Paused", "status")]
    [InlineData("?status=1", "status")]
    [InlineData("?type=Mega", "type")]
    [InlineData("?from=2027-13-01", "from")]
    [InlineData("?to=tomorrow", "to")]
    [InlineData("?from=2027-03-01&to=2027-02-28", "to")]
    [InlineData("?from=2027-01-01&to=2028-01-03", "to")]
    [InlineData("?max=0", "max")]
    [InlineData("?max=1001", "max")]
    [InlineData("?max=-5", "max")]
    public async Task List_UnknownStatusOrType_Is400(string query, string field)
    {
        var answer = await ListAsync(query);

        Assert.Equal(400, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal([field], answer.ErrorFields);
    }

    [Fact]
    public async Task Get_ShowsStageGatesPendingApprovalsRiskAndTheTimeline_KeepingTheEarlierFields()
    {
        var id = await _h.StartReleaseAsync();
        var at = _h.Time.GetUtcNow();
        await _h.Store.ApplyAsync(new ReleaseStatusChange(id, at, ReleasePhase.Planning, ReleaseStatus.Active, "Awaiting plan approval.",
            new TimelineEntry(1, at, ReleasePhase.Planning, "phase", "Planning started."),
            Stage: ApprovalStageKeys.Plan,
            PendingApprovals: [new PendingApproval(ApprovalStageKeys.Plan, ["technical-lead"], at.AddDays(3))],
            Risk: "Medium: standard testing, monitoring"), Ct);
        await _h.Store.ApplyAsync(new ReleaseStatusChange(id, at.AddDays(1), ReleasePhase.Development, ReleaseStatus.Active, "Building.",
            new TimelineEntry(2, at.AddDays(1), ReleasePhase.Development, "approval", "Plan approved by lead@example.com."),
            Stage: "development",
            Gates: [new GateItemStatus("code-review", "Pending", "Awaiting attestation."), new GateItemStatus("unit-tests", "Passed", null)],
            PendingApprovals: []), Ct);

        var answer = await GetAsync(id);

        Assert.Equal(200, answer.Status);
        var body = answer.Body!;
        Assert.Equal("Development", (string?)body["phase"]);
        Assert.Equal("Active", (string?)body["status"]);
        Assert.Equal("Building.", (string?)body["statusReason"]);
        Assert.Equal("Running", (string?)body["runtimeStatus"]);
        Assert.Equal("Minor", (string?)body["type"]);
        Assert.Equal(_h.System, (string?)body["systems"]![0]);
        Assert.Equal("development", (string?)body["stage"]);
        Assert.Equal("Medium: standard testing, monitoring", (string?)body["risk"]);
        Assert.Empty(body["pendingApprovals"]!.AsArray());
        var gates = body["gates"]!.AsArray();
        Assert.Equal(["code-review", "unit-tests"], gates.Select(g => (string)g!["item"]!));
        Assert.Equal("Pending", (string?)gates[0]!["verdict"]);
        var timeline = body["timeline"]!.AsArray();
        Assert.Equal([1, 2], timeline.Select(t => (int)t!["sequence"]!));
        Assert.Equal("Plan approved by lead@example.com.", (string?)timeline[1]!["message"]);
        Assert.Equal("Development", (string?)timeline[1]!["phase"]);
        await _h.EndAsync(id);
    }

    [Fact]
    public async Task Get_FreshRelease_HasEmptyListsNotNulls()
    {
        var id = await _h.StartReleaseAsync();

        var body = (await GetAsync(id)).Body!;

        Assert.Equal(JsonValueKind(body["gates"]), JsonValueKind(body["pendingApprovals"]));
        Assert.Empty(body["gates"]!.AsArray());
        Assert.Empty(body["timeline"]!.AsArray());
        Assert.Null(body["stage"]);
        await _h.EndAsync(id);
    }

    private static System.Text.Json.JsonValueKind JsonValueKind(JsonNode? node) => node?.GetValueKind() ?? System.Text.Json.JsonValueKind.Null;

    public static TheoryData<string> Stages() => new(ApprovalStageKeys.All);

    [Theory]
    [MemberData(nameof(Stages))]
    public async Task Decision_OnEveryPolicyStage_IsAcceptedAndRaisedOnceWithItsStage(string stage)
    {
        var id = await _h.StartReleaseAsync();
        // Someone holding a role of the stage (the API refuses anyone else): the stage's first role, its first approver.
        var role = _h.Policy.Approvals[stage].RequiredRoles[0];
        var approver = ReleaseFunctions.TestSupport.ValidRelease.Approvers[role][0];

        var answer = await _h.CallAsync(
            r => _h.Decisions.DecideAsync(id, r, _h.Client, Ct),
            $$"""{ "stage": "{{stage.ToUpperInvariant()}}", "decision": "approve", "approver": "{{approver}}", "role": "{{role}}" }""");

        Assert.True(answer.Status == 202, answer.ToString());
        Assert.Equal(stage, answer.Str("stage"));
        var received = Assert.Single(await _h.ReceivedAsync(id));
        Assert.Equal(ReleaseEventNames.Approval, received.Name);
        Assert.Equal(stage, received.Approval!.Stage);
        Assert.Equal(answer.Str("decisionId"), received.Approval.DecisionId);
        Assert.True(received.Approval.Approved);
    }

    [Fact]
    public async Task Decision_UnknownStage_Is400ListingEveryStage()
    {
        var id = await _h.StartReleaseAsync();

        var answer = await _h.CallAsync(
            r => _h.Decisions.DecideAsync(id, r, _h.Client, Ct),
            """{ "stage": "promotion:qa", "decision": "approve", "approver": "rm@example.com" }""");

        Assert.Equal(400, answer.Status);
        var message = Assert.Single(answer.Errors("stage"));
        Assert.Contains(string.Join(", ", ApprovalStageKeys.All), message, StringComparison.Ordinal);
        Assert.Empty(await _h.ReceivedAsync(id));
    }

    [Fact]
    public void HttpJsonOptions_OfTheComposition_WriteLikeApiJson()
    {
        // Typed results (Accepted<T>) write with the host's HTTP JSON options: the composition gives them the API's shape.
        var options = _h.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var value = new { ReleaseType = ReleaseType.Minor, Missing = (string?)null };

        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(value, ApiJson.Options), System.Text.Json.JsonSerializer.Serialize(value, options));
        Assert.Equal("""{"releaseType":"Minor","missing":null}""", System.Text.Json.JsonSerializer.Serialize(value, options));
    }
}
