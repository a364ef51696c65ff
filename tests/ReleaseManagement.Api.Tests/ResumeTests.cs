using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Approvals;
using ReleaseManagement.Azure.Email;
using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Tests;

/// <summary>
/// <c>POST /api/releases/{id}/resume</c> (issue 25, point 2) on the real lifecycle in the in-process Durable engine, with the
/// real composition's activities (approval emails as files, the release store on Azurite): a release whose instance is
/// terminated is found stranded, resumed by a release manager, and goes on from where it stood with no effect done twice.
/// </summary>
public sealed class ResumeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static Task<Answer> ResumeAsync(ApiHarness h, string id, string by) =>
        h.CallAsync(r => h.Resume.ResumeAsync(id, r, h.Client, Ct), $$"""{ "by": "{{by}}", "reason": "the instance was lost" }""");

    private static Task<Answer> ApproveAsync(ApiHarness h, string id, string role) =>
        h.CallAsync(r => h.Decisions.DecideAsync(id, r, h.Client, Ct),
            $$"""{ "stage": "{{ApprovalStageKeys.Plan}}", "decision": "approve", "approver": "{{ValidRelease.Approvers[role][0]}}", "role": "{{role}}" }""");

    private static Task<ReleaseRecord> WaitForAsync(ApiHarness h, string id, Func<ReleaseRecord, bool> done, string what) =>
        Eventually.UntilAsync(async () => (await h.Store.GetAsync(id, Ct))!, done, Patience, what, r => $"{r.Status} {r.Stage}: {r.StatusReason}");

    [Fact]
    public async Task Resume_TerminatedReleaseWaitingForItsPlanApproval_GoesOnFromThereWithNoEffectDoneTwice()
    {
        // A system of its own, so that the stranded check reads this test's release only.
        var system = "Resume" + Guid.NewGuid().ToString("N")[..8];
        var defaults = ReleasePolicyDefaults.Create();
        await using var h = await ApiHarness.StartAsync(
            defaults with { Systems = new Dictionary<string, SystemPolicy>(defaults.Systems) { [system] = defaults.Systems["Billing"] } }, lifecycle: true);
        var mail = h.Services.GetRequiredService<IOptions<EmailOptions>>().Value.FileDirectory;
        int ApprovalEmails() => Directory.Exists(mail)
            ? Directory.GetFiles(mail, "*.eml").Count(f => File.ReadAllText(f).Contains("approval by", StringComparison.Ordinal))
            : 0;

        var id = await h.StartReleaseAsync(system: system);
        var asked = await WaitForAsync(h, id, r => r.PendingApprovals is [{ Stage: ApprovalStageKeys.Plan }], "the plan approval to be asked");
        var roles = asked.PendingApprovals![0].MissingRoles;
        Assert.True(roles.Count >= 2, $"the plan approval of a Minor release needs two roles or more: {string.Join(", ", roles)}");
        var emails = ApprovalEmails();
        Assert.Equal([ReleaseEventType.ReleaseStarted, ReleaseEventType.ApprovalRequested], h.Published.Of(id).Select(e => e.Type));
        Assert.True(emails >= roles.Count, $"{emails} approval emails for {roles.Count} roles");

        // One role decides before the instance is lost: the resumed run must count that decision (raised again as recorded).
        Assert.Equal(202, (await ApproveAsync(h, id, roles[0])).Status);
        await h.Client.TerminateInstanceAsync(id, "test: the instance is lost", Ct);
        await h.Client.WaitForInstanceCompletionAsync(id, Ct);
        Assert.Equal(409, (await ApproveAsync(h, id, roles[1])).Status);

        // The lifecycle stamps its writes with the engine's (real) clock: the check's fake clock goes well past the grace.
        h.Time.Advance(StrandedReleases.Grace + TimeSpan.FromMinutes(5));
        var check = h.Services.GetRequiredService<StrandedReleases>();
        Assert.Contains(id, (await check.RunAsync(h.Client, new ReleaseQuery(System: system, Max: 1000), Ct)).Stranded);
        Assert.Contains((await h.Store.GetAsync(id, Ct))!.Warnings!, w => w.Code == StrandedReleases.WarningCode);

        var notManager = await ResumeAsync(h, id, "qa@example.com");
        var unknown = await ResumeAsync(h, ApiHarness.NewId(), "rm@example.com");
        var resumed = await ResumeAsync(h, id, "rm@example.com");
        var again = await ResumeAsync(h, id, "rm@example.com");

        Assert.Equal((403, 404, 202, 409), (notManager.Status, unknown.Status, resumed.Status, again.Status));
        Assert.Equal(("application/problem+json", "The release is not stranded."), (again.ContentType, again.Str("title")));
        Assert.Equal("1", resumed.Str("events"));
        Assert.DoesNotContain((await h.Store.GetAsync(id, Ct))!.Warnings ?? [], w => w.Code == StrandedReleases.WarningCode);

        // The other roles decide: the resumed release takes the plan approval and goes on to development.
        foreach (var role in roles.Skip(1))
        {
            Assert.Equal(202, (await ApproveAsync(h, id, role)).Status);
        }

        await WaitForAsync(h, id, r => r.Stage == ReleaseStages.Milestones, "the release to go on to development");
        Assert.Equal(emails, ApprovalEmails());
        var published = h.Published.Of(id).Select(e => e.Type).ToList();
        Assert.Single(published, t => t == ReleaseEventType.ReleaseStarted);
        Assert.Single(published, t => t == ReleaseEventType.ApprovalRequested);
        Assert.Single(published, t => t == ReleaseEventType.ApprovalGranted);
        var timeline = await h.Store.GetTimelineAsync(id, Ct);
        Assert.Single(timeline, l => l.Writer == TimelineWriters.Lifecycle && l.Message.StartsWith("Planning: risk", StringComparison.Ordinal));
        Assert.Single(timeline, l => l.Message.StartsWith("Development: waiting for", StringComparison.Ordinal));
        var audit = await h.CallAsync(r => h.Services.GetRequiredService<AuditHandlers>().GetAsync(id, r, Ct), method: "GET");
        var rows = audit.Body!["entries"]!.AsArray();
        Assert.Single(rows, row => (string?)row!["action"] == ReleaseManagement.Audit.AuditActions.Resume);
        await h.Client.TerminateInstanceAsync(id, "test: done", Ct);
    }
}
