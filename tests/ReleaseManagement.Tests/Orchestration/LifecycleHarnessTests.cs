using Microsoft.DurableTask;
using ReleaseManagement.Orchestration;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>
/// The lifecycle harness is the third place that lists the orchestrators and activities (after the two hosts, which
/// <c>HostParityTests</c> holds to the names): it must fake every activity the hosts register and run every orchestrator.
/// </summary>
public sealed class LifecycleHarnessTests
{
    [Fact]
    public void Register_EveryOrchestratorAndActivityOfTheNames_IsRegisteredOnce()
    {
        var (orchestrators, activities) = LifecycleHarness.Register(new DurableTaskRegistry(), harness: null!);

        Assert.Equal(OrchestratorNames.All.Order(StringComparer.Ordinal), orchestrators.Order(StringComparer.Ordinal));
        Assert.Equal(ActivityNames.All.Order(StringComparer.Ordinal), activities.Order(StringComparer.Ordinal));
    }
}
