using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;
using static ReleaseManagement.Tests.Orchestration.LifecycleHarness;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>
/// The post-deployment validation's delay (issue 13, point 1) on the real Durable replay engine: it waits
/// <c>successCriteria.validationDelay</c> on a durable timer, then reads the window from the deployment against a baseline
/// just before it; cancel and rollback still work while it waits; a zero delay reads at once.
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
    public async Task ValidationDelay_Set_WaitsThenReadsTheWindowAfterTheDeploymentAgainstTheBaselineBeforeIt()
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
        var id = await _h.StartReleaseAsync(request, WithDelay(delay, TimeSpan.FromSeconds(18)));
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
    public async Task ValidationDelay_ZeroOrSet_OnlyTheReleaseWithADelayWaitsAndACancelEndsItsWait()
    {
        var atOnce = await _h.StartReleaseAsync(Request(Id("now"), ReleaseType.Patch), WithDelay(TimeSpan.Zero, TimeSpan.FromMinutes(10)));
        var waits = await _h.StartReleaseAsync(Request(Id("wait"), ReleaseType.Patch), WithDelay(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10)));
        await _h.SendAllAsync(atOnce, EverythingPasses(atOnce));
        await _h.SendAllAsync(waits, EverythingPasses(waits));

        await _h.WaitForAsync(atOnce, r => r.Stage == ReleaseStages.Watch, "the release without a delay in its watch");
        await WaitingForValidationDataAsync(waits);

        // No delay: no wait, one reading at once over the watch's window (reaching back before the recent deployment).
        var query = Assert.Single(_h.HealthChecks, q => q.ReleaseId == atOnce);
        Assert.Equal(HealthWindow.MinimumLength, query.WindowEnd - query.WindowStart);
        Assert.Contains(_h.Timeline(atOnce), t => t.Message == "Post-deployment validation passed.");
        Assert.DoesNotContain(_h.Timeline(atOnce), t => t.Message.StartsWith("Validating at", StringComparison.Ordinal));

        // A delay: waiting and saying so, nothing read yet; a cancel ends the wait.
        Assert.DoesNotContain(_h.HealthChecks, q => q.ReleaseId == waits);
        Assert.Matches(@"^Validating at \d{2}:\d{2}: waiting 5 minutes for monitoring data\.$", (await _h.Store.GetAsync(waits))!.StatusReason);
        foreach (var id in new[] { atOnce, waits })
        {
            await _h.Client.RaiseEventAsync(id, ReleaseEventNames.Cancel, new CancelRequest("test over", "rm@example.com", DateTimeOffset.UtcNow));
            Assert.Equal(ReleaseStatus.Cancelled, (await _h.OutcomeAsync(id)).Status);
        }

        Assert.DoesNotContain(_h.HealthChecks, q => q.ReleaseId == waits);
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
