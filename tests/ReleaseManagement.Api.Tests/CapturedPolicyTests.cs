using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Activities;
using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Audit;
using ReleaseManagement.Azure.Email;
using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Tests;

/// <summary>
/// A release keeps the policy it was requested under (issue 23, "which policy applies"): requested under policy A, then
/// the host restarted with policy B (another plan approver and another production window), its page and its notices
/// still show A's approvers and window, as its orchestration runs on A; and the release-control routes judge its
/// milestones and attestations by A.
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

    [Fact]
    public async Task ReleaseRequestedUnderPolicyA_HostNowOnPolicyB_MilestonesAndAttestationsAreJudgedByA()
    {
        // A is the harness's policy; B, the policy the host is restarted with, drops milestone code-freeze (adding
        // perf-freeze) and lets only the QA lead attest the code review, which A leaves to the technical lead.
        await using var h = await ApiHarness.StartAsync();
        var a = h.Policy;
        var b = a with
        {
            Promotion = a.Promotion with { Milestones = [.. a.Promotion.Milestones.Where(m => m != "code-freeze"), "perf-freeze"] },
            QualityGates = a.QualityGates.ToDictionary(g => g.Key, g => g.Value with
            {
                Items = g.Value.Items.Select(i => i.Id == "code-review" ? i with { AttestationRoles = [PolicyRoles.QaLead] } : i).ToArray(),
            }),
        };
        var id = await h.StartReleaseAsync();
        Assert.Equal(CanonicalJson.PolicyHash(a), (await h.Store.GetAsync(id, Ct))!.PolicyHash);

        // The release-control handlers of a host whose current policy is B (the release's orchestration still runs on A).
        var underB = ActivatorUtilities.CreateInstance<ReleaseControl>(
            h.Services, new ReleasePolicies(h.Services.GetRequiredService<IPolicySnapshots>(), b));
        var milestones = ActivatorUtilities.CreateInstance<MilestoneHandler>(h.Services, underB);
        var evidence = ActivatorUtilities.CreateInstance<EvidenceHandler>(h.Services, underB);
        Task<Answer> Milestone(string name) => h.CallAsync(r => milestones.MilestoneAsync(id, name, r, h.Client, Ct), """{ "by": "lead@example.com" }""");
        Task<Answer> Attest(string by) => h.CallAsync(
            r => evidence.EvidenceAsync(id, r, h.Client, Ct), $$"""{ "item": "code-review", "kind": "attestation", "by": "{{by}}" }""");

        // B would judge the other way: the test means something only if the two policies disagree.
        Assert.False(MilestoneRequestValidator.Validate(b, "code-freeze", new MilestoneBody("lead@example.com")).IsValid);
        Assert.True(MilestoneRequestValidator.Validate(b, "perf-freeze", new MilestoneBody("lead@example.com")).IsValid);

        // A's milestone is accepted and B's is not one of the release's.
        Assert.Equal(202, (await Milestone("code-freeze")).Status);
        var perfFreeze = await Milestone("perf-freeze");
        Assert.Equal(400, perfFreeze.Status);
        Assert.NotEmpty(perfFreeze.ErrorFields);

        // A's attester (a technical lead) may attest the code review, B's (the QA lead) may not.
        Assert.Equal(202, (await Attest("lead2@example.com")).Status);
        Assert.Equal(403, (await Attest("qa@example.com")).Status);
        var attested = (await h.Services.GetRequiredService<IAuditTrail>().ReadAsync(id, Ct)).Single(r => r.Entry.Action == EvidenceKinds.Attestation).Entry;
        Assert.Equal("lead2@example.com", attested.By);
        Assert.EndsWith($"attested by {PolicyRoles.TechnicalLead}", attested.Rule, StringComparison.Ordinal);

        var received = await h.ReceivedAsync(id);
        Assert.Equal(2, received.Count);
    }

    [Fact]
    public async Task ReleaseRequestedUnderPolicyA_HostNowOnPolicyB_RescheduleIsJudgedByAsPlanningHorizon()
    {
        // A is the harness's policy (a Minor release at least 30 days ahead); B, the policy the host is restarted with,
        // asks 45 days. The release is requested under A for a Tuesday 45 to 51 days away, then moved to one 31 to 37 days
        // away: A allows that, B would not.
        await using var h = await ApiHarness.StartAsync();
        var a = h.Policy;
        var b = a with
        {
            ReleaseTypes = a.ReleaseTypes.ToDictionary(kv => kv.Key, kv => kv.Key == ReleaseType.Minor
                ? kv.Value with { PlanningHorizon = kv.Value.PlanningHorizon with { MinLeadTime = TimeSpan.FromDays(45) } }
                : kv.Value),
        };
        var id = await h.StartReleaseAsync(targetDate: ValidRelease.TargetDate(45));
        var record = (await h.Store.GetAsync(id, Ct))!;
        Assert.Equal(CanonicalJson.PolicyHash(a), record.PolicyHash);
        var sooner = ValidRelease.TargetDate(31);
        var reschedule = new RescheduleRequest(DateOnly.Parse(sooner, System.Globalization.CultureInfo.InvariantCulture), "rm@example.com", h.Time.GetUtcNow(), null);

        // The two policies disagree about the new date: the test means something only then.
        Assert.True(RescheduleRequestValidator.CheckPolicy(a, record.Request, reschedule).IsValid);
        Assert.False(RescheduleRequestValidator.CheckPolicy(b, record.Request, reschedule).IsValid);

        // The reschedule route of a host whose current policy is B (the release's orchestration still runs on A).
        var underB = ActivatorUtilities.CreateInstance<ReleaseControl>(
            h.Services, new ReleasePolicies(h.Services.GetRequiredService<IPolicySnapshots>(), b));
        var handler = ActivatorUtilities.CreateInstance<RescheduleHandler>(h.Services, underB, b);
        var answer = await h.CallAsync(
            r => handler.RescheduleAsync(id, r, h.Client, Ct), $$"""{ "targetDate": "{{sooner}}", "by": "rm@example.com" }""", method: "PATCH");

        Assert.True(answer.Status == 202, answer.ToString());
        var received = Assert.Single(await h.ReceivedAsync(id));
        Assert.Equal((ReleaseEventNames.Reschedule, reschedule.TargetDate), (received.Name, received.Reschedule!.TargetDate));
    }
}
