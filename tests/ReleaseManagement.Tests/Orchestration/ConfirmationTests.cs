using ReleaseManagement.Activities;
using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;
using static ReleaseManagement.Tests.Orchestration.LifecycleHarness;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>
/// Issue 27, point 5: the T-3 "deployment readiness confirmation" asks the release manager to confirm (an attestation of
/// <c>deployment-readiness</c>), and a confirmation still missing when the T-1 notice comes due warns the plan's approvers;
/// on the real replay engine, with a timeline whose T-3 and T-1 fall seconds after the release starts.
/// </summary>
public sealed class ConfirmationTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await LifecycleHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A release ten days out whose readiness notice is due in 2 s and its final notice 4 s later; looked for again every second.</summary>
    private static (ReleaseRequest Request, ReleasePolicy Policy) Release(string name)
    {
        var request = Request($"{name}-{Guid.NewGuid():N}"[..24], ReleaseType.Minor, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(10));
        var slot = ProductionSlot.Of(FastPolicy(), request, ProductionSlot.AsPlanned).Start;
        var readiness = DateTimeOffset.UtcNow.AddSeconds(2) - slot;
        var policy = FastPolicy() with
        {
            Communications =
            [
                new CommunicationEvent
                {
                    Id = "deployment-readiness", Description = "Deployment readiness confirmation", Offset = readiness,
                    Audiences = ["stakeholders"], Template = "deployment-readiness-confirmation",
                    Confirm = new()
                    {
                        Item = "deployment-readiness", Description = "Deployment readiness", Roles = [PolicyRoles.ReleaseManager],
                        WarnAt = "final-notice", RecheckEvery = TimeSpan.FromSeconds(1),
                    },
                },
                new CommunicationEvent
                {
                    Id = "final-notice", Description = "Final deployment notification", Offset = readiness + TimeSpan.FromSeconds(4),
                    Audiences = ["stakeholders"], Template = "final-deployment-notification",
                },
            ],
        };
        return (request, policy);
    }

    private static CanonicalEvent Attestation(string id, string by) => Event(CanonicalEventType.GateEvidence, id,
        attributes: [(EventAttributes.GateItem, "deployment-readiness"), (EventAttributes.Attestation, "approved"), (EventAttributes.Approver, by)]);

    private ReleaseNotice? Notice(string id, string prefix) =>
        _h.Notices.FirstOrDefault(n => n.ReleaseId == id && n.NoticeId.StartsWith(prefix, StringComparison.Ordinal));

    [Fact]
    public async Task ReadinessUnconfirmedAtTheFinalNotice_WarnsTheApprovers_ThenTheReleaseManagersAttestationClearsIt()
    {
        var (request, policy) = Release("unconfirmed");
        var id = await _h.StartReleaseAsync(request, policy);

        // The readiness notice goes to its audience and to the release manager, who confirms; it names the item it asks for.
        await _h.WaitForAsync(id, _ => Notice(id, "deployment-readiness@") is not null, "the readiness notice");
        var asked = Notice(id, "deployment-readiness@")!;
        Assert.Equal(["stakeholder@example.com", "rm@example.com"], asked.Recipients);
        Assert.Equal("deployment-readiness", asked.Facts![NoticeFacts.ConfirmItem]);

        // An attestation by someone who holds no confirming role counts for nothing.
        await _h.RaiseAsync(id, Attestation(id, "stranger@example.com"));

        await _h.WaitForAsync(id, r => r.Warnings?.Any(w => w.Code == NoticeWarnings.ConfirmationMissing) == true, "the confirmation-missing warning");
        await _h.WaitForAsync(id, _ => Notice(id, "confirmation-missing:deployment-readiness@") is not null, "the approvers' notice");
        var warned = Notice(id, "confirmation-missing:deployment-readiness@")!;
        Assert.Equal(NoticeTemplates.ConfirmationMissing, warned.Template);
        // The confirming role and the minor release's plan approvers.
        Assert.Equal(["rm@example.com", "po@example.com", "lead@example.com"], warned.Recipients);
        await _h.WaitForAsync(id, _ => Notice(id, "final-notice@") is not null, "the final notice");
        Assert.Contains(_h.Timeline(id), t => t.Kind == TimelineKinds.Warning && t.Subject == "deployment-readiness"
            && t.Message.StartsWith("Not confirmed: Deployment readiness (deployment-readiness). final-notice is due", StringComparison.Ordinal));

        // The release manager confirms late: looked for again, the warning clears and the timeline says who confirmed.
        await _h.RaiseAsync(id, Attestation(id, "rm@example.com"));
        await _h.WaitForAsync(id, r => r.Warnings?.Any(w => w.Code == NoticeWarnings.ConfirmationMissing) != true, "the warning to clear");
        Assert.Contains(_h.Timeline(id), t => t.Message.StartsWith("Deployment readiness: confirmed by rm@example.com at ", StringComparison.Ordinal));
        Assert.Single(_h.Notices, n => n.ReleaseId == id && n.Template == NoticeTemplates.ConfirmationMissing);

        await _h.Client.RaiseEventAsync(id, ReleaseEventNames.Cancel, new CancelRequest("confirmation test done", "rm@example.com", DateTimeOffset.UtcNow), Ct);
        Assert.Equal(ReleaseStatus.Cancelled, (await _h.OutcomeAsync(id)).Status);
    }

    [Fact]
    public async Task ReadinessConfirmedBeforeTheFinalNotice_NobodyIsWarned_TheTimelineSaysWhoConfirmed()
    {
        var (request, policy) = Release("confirmed");
        var id = await _h.StartReleaseAsync(request, policy);

        await _h.WaitForAsync(id, _ => Notice(id, "deployment-readiness@") is not null, "the readiness notice");
        await _h.RaiseAsync(id, Attestation(id, "rm@example.com"));
        await _h.WaitForAsync(id, _ => Notice(id, "final-notice@") is not null, "the final notice");

        Assert.Contains(_h.Timeline(id), t => t.Kind == TimelineKinds.Communication && t.Subject == "deployment-readiness"
            && t.Message.StartsWith("Deployment readiness: confirmed by rm@example.com at ", StringComparison.Ordinal));
        Assert.DoesNotContain(_h.Notices, n => n.ReleaseId == id && n.Template == NoticeTemplates.ConfirmationMissing);
        Assert.DoesNotContain((await _h.Store.GetAsync(id))!.Warnings ?? [], w => w.Code == NoticeWarnings.ConfirmationMissing);

        await _h.Client.RaiseEventAsync(id, ReleaseEventNames.Cancel, new CancelRequest("confirmation test done", "rm@example.com", DateTimeOffset.UtcNow), Ct);
        Assert.Equal(ReleaseStatus.Cancelled, (await _h.OutcomeAsync(id)).Status);
    }
}
