using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Activities;
using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Audit;
using ReleaseManagement.Azure.Email;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Tests;

/// <summary>
/// A release keeps the policy it was requested under (issue 23, "which policy applies"): requested under policy A, then
/// the host restarted with policy B (another plan approver and another production window), its page and its notices
/// still show A's approvers and window, as its orchestration runs on A.
/// </summary>
public sealed class CapturedPolicyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReleaseRequestedUnderPolicyA_PolicyThenChangedToB_PageAndNoticeShowAsApproversAndWindow()
    {
        // A system of its own (both policies know it) and its own target date.
        var system = "Captured" + Guid.NewGuid().ToString("N")[..8];
        var defaults = ReleasePolicyDefaults.Create();
        var a = defaults with { Systems = new Dictionary<string, SystemPolicy>(defaults.Systems) { [system] = defaults.Systems["Billing"] } };
        var b = a with
        {
            ReleaseTypes = a.ReleaseTypes.ToDictionary(kv => kv.Key, kv => kv.Key == ReleaseType.Minor
                ? kv.Value with { ApprovalRoles = [.. kv.Value.ApprovalRoles, PolicyRoles.QaLead] }
                : kv.Value),
            ReleaseWindows = a.ReleaseWindows with
            {
                Weekly = a.ReleaseWindows.Weekly.Select(w => w with { Start = new TimeOnly(17, 30), Duration = TimeSpan.FromHours(2) }).ToArray(),
            },
        };
        string id;
        await using (var underA = await ApiHarness.StartAsync(a))
        {
            id = await underA.StartReleaseAsync(type: "Minor", targetDate: ValidRelease.TargetDate(38), system: system);

            // The record names A's snapshot, and the orchestration runs on that same policy.
            var stored = (await underA.Store.GetAsync(id, Ct))!;
            Assert.Equal(CanonicalJson.PolicyHash(underA.Policy), stored.PolicyHash); // A as the harness runs it (with its own system)
            var instance = await underA.Client.GetInstanceAsync(id, getInputsAndOutputs: true, Ct);
            Assert.Equal(stored.PolicyHash, CanonicalJson.Hash(instance!.ReadInputAs<ReleaseOrchestrationInput>()!.PolicyJson));
            await underA.EndAsync(id);
        }

        await using var underB = await ApiHarness.StartAsync(b);
        var record = (await underB.Store.GetAsync(id, Ct))!;
        var slotA = ProductionSlot.Of(a, record.Request, ProductionSlot.AsPlanned);
        var slotB = ProductionSlot.Of(b, record.Request, ProductionSlot.AsPlanned);
        Assert.NotEqual(slotA.Start, slotB.Start); // the test means something only if B moves the window

        // The release page: A's plan approvers and A's communication timeline.
        var reader = underB.Services.GetRequiredService<DashboardReader>();
        var detail = (await reader.GetReleaseAsync(id, Ct))!;
        var page = ReleasePageView.Build(detail, reader.Format, reader.Now);
        Assert.Equal([PolicyRoles.ProductOwner, PolicyRoles.TechnicalLead], page.Approvals.Single(s => s.Stage == ApprovalStageKeys.Plan).Roles);
        Assert.Equal(
            CommunicationSchedule.For(a, record.Request, reader.Now).Select(c => DisplayFormat.Iso(c.At)),
            page.Communications.Select(c => c.DueIso));
        Assert.NotEqual(
            CommunicationSchedule.For(b, record.Request, reader.Now).Select(c => DisplayFormat.Iso(c.At)),
            page.Communications.Select(c => c.DueIso));

        // A templated notice sent now: A's plan approvers, A's window, and an invite for A's window.
        var notice = new ReleaseNotice(id, "planning-announcement-test", string.Empty, string.Empty, ["stakeholder@example.com"])
        {
            Template = "release-planning-announcement",
            Description = "Release planning announcement",
            AttachInvite = true,
        };
        Assert.Equal(1, await underB.Services.GetRequiredService<SendReleaseNotice>().RunAsync(notice, Ct));
        var folder = underB.Services.GetRequiredService<IOptions<EmailOptions>>().Value.FileDirectory;
        using var message = await MimeMessage.LoadAsync(Directory.GetFiles(folder, "*.eml").Single(), Ct);
        var zone = PolicyTime.Zone(a);
        Assert.Contains($"Production window: {PolicyTime.DescribeLocal(zone, slotA.Start)} to {PolicyTime.DescribeLocal(zone, slotA.End)}", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("- product-owner: po@example.com", message.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("qa-lead", message.TextBody, StringComparison.Ordinal);
        var invite = message.Attachments.OfType<MimePart>().Single(p => p.FileName == "invite.ics");
        using var ics = new MemoryStream();
        await invite.Content!.DecodeToAsync(ics, Ct);
        var calendar = System.Text.Encoding.UTF8.GetString(ics.ToArray());
        Assert.Contains($"DTSTART:{slotA.Start.UtcDateTime:yyyyMMdd'T'HHmmss}Z", calendar, StringComparison.Ordinal);
    }
}
