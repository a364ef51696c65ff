using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Metrics.Tests;

/// <summary>
/// The dashboard's listings through <see cref="DashboardReader"/> on the table stores (Azurite): the board reads the active
/// releases and those ended in the last 30 days, not the history; the environments page reads the releases its
/// deployment events name (to place an event that carries no system), not every release.
/// </summary>
public sealed class DashboardListingTests
{
    private static readonly DateTimeOffset Now = new(2033, 5, 14, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reader_BoardAndEnvironments_ReadWhatTheyShowAndNotTheHistory()
    {
        await using var h = new MetricsHarness(Now);
        var (active, idle, recent, old) = (MetricsHarness.NewId("act"), MetricsHarness.NewId("idl"), MetricsHarness.NewId("end"), MetricsHarness.NewId("old"));
        await h.ReleaseAsync(active, ReleaseType.Minor, "Billing", Now.AddDays(-5), ReleasePhase.Development, ReleaseStatus.Active);
        await h.ReleaseAsync(idle, ReleaseType.Minor, "Billing", Now.AddDays(-4), ReleasePhase.Planning, ReleaseStatus.Active);
        await h.ReleaseAsync(recent, ReleaseType.Minor, "Billing", Now.AddDays(-3));
        await h.ReleaseAsync(old, ReleaseType.Minor, "Billing", Now.AddDays(-400));
        await h.EventAsync(CanonicalEventType.ServiceDeployed, Now.AddDays(-2), active, system: null, environment: "staging");
        var reader = new DashboardReader(
            h.Releases, h.Events, h.Decisions, h.Health, new ReleasePolicies(new InMemoryPolicySnapshots(), h.Policy), h.Clock, h.Service_,
            NullLogger<DashboardReader>.Instance, new ConfigurationBuilder().Build());

        var board = (await reader.ListReleasesAsync(Ct)).Select(r => r.Request.Id).ToArray();
        var (events, named) = await reader.ListDeploymentsAsync(Ct);

        Assert.Contains(active, board);
        Assert.Contains(idle, board);
        Assert.Contains(recent, board);
        Assert.DoesNotContain(old, board);
        Assert.Equal([active], named.Select(r => r.Request.Id));
        var view = EnvironmentsView.Build(events, named, reader.PolicySystems, reader.Format, Now - DashboardReader.DeploymentLookback, Now);
        Assert.Equal(active, view.Rows.Single(r => r.System == "Billing").Cells.Single(c => c.Environment == "Staging").ReleaseId);
    }
}
