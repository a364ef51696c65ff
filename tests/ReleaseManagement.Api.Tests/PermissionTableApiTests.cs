using Microsoft.Extensions.DependencyInjection;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Events;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Tests;

/// <summary>
/// The permission table at the steering routes that checked no role before (issue 24, section 3): cancel, reschedule and
/// milestones, through their handlers on the real composition. A refusal is a 403 problem that says why, and nothing is
/// raised to the release nor written to its audit trail.
/// </summary>
public sealed class PermissionTableApiTests : IAsyncLifetime
{
    private const string Requester = "requester@example.com";
    private ApiHarness _h = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _h = await ApiHarness.StartAsync();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    private Task<Answer> CancelAsync(string id, string by) =>
        _h.CallAsync(r => _h.Cancel.CancelAsync(id, r, _h.Client, Ct), $$"""{ "reason": "not needed", "by": "{{by}}" }""");

    private Task<Answer> RescheduleAsync(string id, string by) =>
        _h.CallAsync(r => _h.Reschedule.RescheduleAsync(id, r, _h.Client, Ct), $$"""{ "targetDate": "{{ValidRelease.TargetDate(42)}}", "by": "{{by}}" }""", method: "PATCH");

    private Task<Answer> MilestoneAsync(string id, string by) =>
        _h.CallAsync(r => _h.Milestones.MilestoneAsync(id, "code-freeze", r, _h.Client, Ct), $$"""{ "by": "{{by}}" }""");

    private async Task<int> AuditRowsAsync(string id) => (await _h.Services.GetRequiredService<IAuditTrail>().ReadAsync(id, Ct)).Count;

    [Theory]
    [InlineData("cancel", "lead@example.com")]
    [InlineData("cancel", "stakeholder@example.com")]
    [InlineData("reschedule", "qa@example.com")]
    [InlineData("milestone", "stakeholder@example.com")]
    [InlineData("milestone", "po@example.com")]
    public async Task Action_ByAPersonWithoutItsRole_Is403SayingWhyAndChangesNothing(string action, string by)
    {
        var id = await _h.StartReleaseAsync(requestedBy: Requester);
        var rows = await AuditRowsAsync(id);

        var answer = action switch
        {
            "cancel" => await CancelAsync(id, by),
            "reschedule" => await RescheduleAsync(id, by),
            _ => await MilestoneAsync(id, by),
        };

        Assert.Equal(403, answer.Status);
        Assert.Equal($"Not allowed to {action} this release.", answer.Str("title"));
        Assert.Contains($"{by} does not hold the", answer.Str("detail"), StringComparison.Ordinal);
        Assert.Equal(rows, await AuditRowsAsync(id));
        Assert.Empty(await _h.ReceivedAsync(id));
    }

    [Fact]
    public async Task Cancel_ByTheReleaseManager_Is202AuditedAndRaised()
    {
        var id = await _h.StartReleaseAsync(requestedBy: Requester);

        Assert.Equal(202, (await CancelAsync(id, "rm@example.com")).Status);

        Assert.Equal(ReleaseEventNames.Cancel, Assert.Single(await _h.ReceivedAsync(id)).Name);
    }

    [Fact]
    public async Task Cancel_ByTheRequesterBeforeThePlanIsApproved_Is202()
    {
        var id = await _h.StartReleaseAsync(requestedBy: Requester);
        Assert.Contains((await _h.Store.GetAsync(id, Ct))!.Phase, new[] { Releases.ReleasePhase.Submitted, Releases.ReleasePhase.Planning });

        Assert.Equal(202, (await CancelAsync(id, Requester)).Status);

        Assert.Equal(ReleaseEventNames.Cancel, Assert.Single(await _h.ReceivedAsync(id)).Name);
    }

    [Fact]
    public async Task Milestone_ByATechnicalLead_Is202AndRaised()
    {
        var id = await _h.StartReleaseAsync(requestedBy: Requester);

        Assert.Equal(202, (await MilestoneAsync(id, "lead2@example.com")).Status);

        Assert.Single(await _h.ReceivedAsync(id));
    }
}
