using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;
using static ReleaseManagement.Tests.Orchestration.LifecycleHarness;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>The documents a release's type requires hold its production gate until linked (issue 27, point 4), on the real Durable replay engine.</summary>
public sealed class DocumentsLifecycleTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await LifecycleHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static string Id(string name) => $"{name}-{Guid.NewGuid():N}"[..24];

    [Fact]
    public async Task Patch_MissingDeploymentGuide_WaitsAtTheProductionGateNamingIt_ThenCompletesOnceLinked()
    {
        var request = Request(Id("docs"), ReleaseType.Patch);
        var id = await _h.StartReleaseAsync(request);
        // Everything but the deployment guide; a report of it without a link (or with a script link) does not count.
        await _h.SendAllAsync(id, EverythingPasses(id).Where(e => e.Attribute(EventAttributes.GateItem) != ReleaseDocuments.DeploymentGuide));
        await _h.RaiseAsync(id, Document(id, ReleaseDocuments.DeploymentGuide, "javascript:alert(1)"));

        await _h.WaitForAsync(id, r => r.Stage == ReleaseStages.Gate(DeploymentEnvironment.Production)
            && r.Gates!.Any(g => g.Item == ReleaseDocuments.DeploymentGuide && g.Verdict == "Pending"), "the missing deployment guide");
        var gates = (await _h.Store.GetAsync(id))!.Gates!;
        Assert.Equal("Document 'deployment-guide' is missing: no link reported yet.", gates.Single(g => g.Item == ReleaseDocuments.DeploymentGuide).Reason);
        Assert.Equal("Passed", gates.Single(g => g.Item == ReleaseDocuments.ReleaseNotes).Verdict);
        Assert.Equal("Linked: https://docs.example.com/" + id + "/release-notes", gates.Single(g => g.Item == ReleaseDocuments.ReleaseNotes).Reason);
        Assert.DoesNotContain(gates, g => g.Item == ReleaseDocuments.UserGuide); // a Patch does not require it
        Assert.DoesNotContain(_h.Deployments, d => d.ReleaseId == id && d.Environment == "production");

        await _h.RaiseAsync(id, Document(id, ReleaseDocuments.DeploymentGuide, "https://wiki.example.com/deploy"));
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        Assert.Contains(_h.Deployments, d => d.ReleaseId == id && d.Environment == "production");
    }
}
