using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;
using static ReleaseManagement.Tests.Orchestration.LifecycleHarness;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>
/// The post-deployment validation's delay (issue 13, point 1; lifecycle version 2) on the real Durable replay engine:
/// it waits <c>successCriteria.validationDelay</c> on a durable timer, then reads the window from the deployment against a
/// baseline just before it; cancel and rollback still work while it waits; a version-1 release does not wait.
/// </summary>
public sealed class ValidationDelayLifecycleTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await LifecycleHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static string Id(string name) => $"{name}-{Guid.NewGuid():N}"[..24];

    private static ReleasePolicy WithDelay(TimeSpan delay, TimeSpan watch) =>
        FastPolicy() with { SuccessCriteria = FastPolicy().SuccessCriteria with { ValidationDelay = delay, WatchDuration = watch } };

    private Task WaitingForValidationDataAsync(string id) =>
        _h.WaitForAsync(id, r => r.Stage == ReleaseStages.Validation && r.StatusReason?.StartsWith("Validating at ", StringComparison.Ordinal) == true,
            "the validation waiting for monitoring data");

    [Fact]
    public async Task ValidationDelay_Version2_WaitsThenReadsTheWindowAfterTheDeploymentAgainstTheBaselineBeforeIt()
    {
        var delay = TimeSpan.FromSeconds(3);
        var readAt = new List<DateTimeOffset>();
        _h.Reading = q =>
        {
            lock (readAt)
            {
                readAt.Add(DateTimeOffset.UtcNow);
            }

            return Healthy(q.ReleaseId);
        };
        var request = Request(Id("delay"), ReleaseType.Patch);
        var id = await _h.StartReleaseAsync(request, WithDelay(delay, TimeSpan.FromSeconds(6)));
        await _h.SendAllAsync(id, EverythingPasses(id));

        await WaitingForValidationDataAsync(id);
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        var query = Assert.Single(_h.HealthChecks, q => q.ReleaseId == id);
        Assert.Equal(delay, query.WindowEnd - query.WindowStart); // the window starts at the deployment and lasts the delay
        Assert.Equal(query.WindowStart, query.BaselineEnd); // the baseline ends at the deployment
        Assert.Equal(delay, query.BaselineEnd - query.BaselineStart);
        Assert.True(Assert.Single(readAt) >= query.WindowEnd, $"read at {readAt[0]:O}, before the window ended at {query.WindowEnd:O}");
        var timeline = _h.Timeline(id);
        var deployed = Assert.Single(timeline, t => t.Message == "Deployed to production.");
        Assert.True(query.WindowStart >= deployed.At.AddSeconds(-1) && query.WindowStart <= deployed.At.AddSeconds(1),
            $"window from {query.WindowStart:O}, deployed at {deployed.At:O}");
        Assert.Contains(timeline, t => t.Kind == TimelineKinds.Validation
            && t.Message == $"Validating at {query.WindowEnd.UtcDateTime:HH:mm}: waiting 00:00:03 for monitoring data.");
        Assert.Contains(timeline, t => t.Message == "Post-deployment validation passed.");
    }

    [Fact]
    public async Task ValidationDelay_SamePolicy_OnlyTheVersion2ReleaseWaitsTheVersion1OneReadsAtOnce()
    {
        var policy = WithDelay(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10));
        var v1 = await _h.StartReleaseAsync(Request(Id("v1"), ReleaseType.Patch), policy, version: 1);
        var v2 = await _h.StartReleaseAsync(Request(Id("v2"), ReleaseType.Patch), policy, version: 2);
        await _h.SendAllAsync(v1, EverythingPasses(v1));
        await _h.SendAllAsync(v2, EverythingPasses(v2));

        await _h.WaitForAsync(v1, r => r.Stage == ReleaseStages.Watch, "version 1 in its watch");
        await WaitingForValidationDataAsync(v2);

        // Version 1: no wait, one reading at once over the watch's window (reaching back before the recent deployment).
        var v1Query = Assert.Single(_h.HealthChecks, q => q.ReleaseId == v1);
        Assert.Equal(HealthWindow.MinimumLength, v1Query.WindowEnd - v1Query.WindowStart);
        Assert.Contains(_h.Timeline(v1), t => t.Message == "Post-deployment validation passed.");
        Assert.DoesNotContain(_h.Timeline(v1), t => t.Message.StartsWith("Validating at", StringComparison.Ordinal));

        // Version 2: waiting and saying so, nothing read yet; a cancel ends the wait.
        Assert.DoesNotContain(_h.HealthChecks, q => q.ReleaseId == v2);
        Assert.Matches(@"^Validating at \d{2}:\d{2}: waiting 5 minutes for monitoring data\.$", (await _h.Store.GetAsync(v2))!.StatusReason);
        foreach (var id in new[] { v1, v2 })
        {
            await _h.Client.RaiseEventAsync(id, ReleaseEventNames.Cancel, new CancelRequest("test over", "rm@example.com", DateTimeOffset.UtcNow));
            Assert.Equal(ReleaseStatus.Cancelled, (await _h.OutcomeAsync(id)).Status);
        }

        Assert.DoesNotContain(_h.HealthChecks, q => q.ReleaseId == v2);
    }

    [Fact]
    public async Task ValidationDelay_RollbackRequestedWhileWaiting_RollsProductionBackWithoutReadingHealth()
    {
        var request = Request(Id("delay-rb"), ReleaseType.Patch);
        var id = await _h.StartReleaseAsync(request, WithDelay(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10)));
        await _h.SendAllAsync(id, EverythingPasses(id));
        await WaitingForValidationDataAsync(id);

        await _h.Client.RaiseEventAsync(id, ReleaseEventNames.Rollback, new RollbackRequest("customers report errors", "rm@example.com", DateTimeOffset.UtcNow, null));
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.RolledBack, outcome.Status);
        Assert.Contains("requested by rm@example.com: customers report errors", outcome.Reason);
        Assert.Equal(("production", true), _h.Deployments.Where(d => d.ReleaseId == id).Select(d => (d.Environment, d.Rollback)).Last());
        Assert.DoesNotContain(_h.HealthChecks, q => q.ReleaseId == id);
    }
}
