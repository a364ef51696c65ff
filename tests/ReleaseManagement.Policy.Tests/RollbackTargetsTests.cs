using ReleaseManagement.Events;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Policy.Tests;

public sealed class RollbackTargetsTests
{
    private static readonly DateTimeOffset T0 = new(2027, 1, 5, 10, 0, 0, TimeSpan.Zero);

    private static CanonicalEvent E(CanonicalEventType type, string environment, int minutes, string? outcome = EventOutcomes.Success) =>
        new($"test:{Guid.NewGuid():N}", "test", type, T0.AddMinutes(minutes), "r1", "Billing", environment, outcome, new Dictionary<string, string>());

    [Fact]
    public void Deployed_SuccessfulDeploymentsNotRolledBack_InPromotionOrder()
    {
        var deployed = RollbackTargets.Deployed([
            E(CanonicalEventType.ServiceDeployed, "staging", 2),
            E(CanonicalEventType.ServiceDeployed, "integration", 1),
            E(CanonicalEventType.ServiceDeployed, "production", 3, EventOutcomes.Failure),
        ]);

        Assert.Equal([DeploymentEnvironment.Integration, DeploymentEnvironment.Staging], deployed);
    }

    [Fact]
    public void Deployed_RolledBackThenDeployedAgain_CountsTheLastEvent()
    {
        Assert.Empty(RollbackTargets.Deployed([E(CanonicalEventType.ServiceDeployed, "staging", 1), E(CanonicalEventType.ServiceRolledBack, "staging", 2)]));
        Assert.Equal(
            [DeploymentEnvironment.Staging],
            RollbackTargets.Deployed([E(CanonicalEventType.ServiceDeployed, "staging", 1), E(CanonicalEventType.ServiceRolledBack, "staging", 2), E(CanonicalEventType.ServiceDeployed, "staging", 3)]));
    }

    [Fact]
    public void Choose_NothingDeployed_IsRefused()
    {
        var (environment, refusal) = RollbackTargets.Choose([], null);

        Assert.Null(environment);
        Assert.Equal("nothing is deployed yet", refusal);
    }

    [Fact]
    public void Choose_NoEnvironmentNamed_TakesTheHighestDeployed()
    {
        Assert.Equal(DeploymentEnvironment.Staging, RollbackTargets.Choose([DeploymentEnvironment.Integration, DeploymentEnvironment.Staging], null).Environment);
    }

    [Fact]
    public void Choose_ALowerEnvironmentBelowADeployedOne_IsRefusedNamingTheHigher()
    {
        var (environment, refusal) = RollbackTargets.Choose([DeploymentEnvironment.Integration, DeploymentEnvironment.Staging], DeploymentEnvironment.Integration);

        Assert.Null(environment);
        Assert.Contains("roll staging back first", refusal);
    }

    [Fact]
    public void Choose_AnEnvironmentNotDeployed_IsRefused()
    {
        var (environment, refusal) = RollbackTargets.Choose([DeploymentEnvironment.Integration], DeploymentEnvironment.Production);

        Assert.Null(environment);
        Assert.Contains("production is not deployed", refusal);
    }
}
