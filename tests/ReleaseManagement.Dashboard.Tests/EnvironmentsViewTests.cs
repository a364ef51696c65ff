using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Events;
using static ReleaseManagement.Dashboard.Tests.Builders;

namespace ReleaseManagement.Dashboard.Tests;

public sealed class EnvironmentsViewTests
{
    /// <summary>The view of <paramref name="events"/>, checked to be the one the events gave before the state was kept (<see cref="EventsEnvironmentsReference"/>) and the one their cells' state gives in any order (<see cref="EnvironmentsView.BuildFromState"/>).</summary>
    private static EnvironmentsView Build(params ReleaseManagement.Ports.StoredPipelineEvent[] events)
    {
        ReleaseManagement.Releases.ReleaseRecord[] releases = [Release("r1", systems: ["Billing", "Forecasting"]), Release("r2")];
        var view = EnvironmentsView.Build(events, releases, DefaultPolicy.Systems.Keys.ToArray(), Format, Now.AddDays(-180), Now);
        var reference = EventsEnvironmentsReference.Build(events, releases, DefaultPolicy.Systems.Keys.ToArray(), Format, Now.AddDays(-180), Now);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(reference), System.Text.Json.JsonSerializer.Serialize(view));
        var cells = EnvironmentCellState.Fold(events.Select(e => e.Event).Reverse(), releases.ToDictionary(r => r.Request.Id, r => r.Request.Systems));
        var fromState = EnvironmentsView.BuildFromState(cells.Values.ToArray(), DefaultPolicy.Systems.Keys.ToArray(), Format, Now.AddDays(-180), Now);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(view), System.Text.Json.JsonSerializer.Serialize(fromState));
        return view;
    }

    private static EnvironmentCell Cell(EnvironmentsView view, string system, string environment) =>
        view.Rows.Single(r => r.System == system).Cells.Single(c => c.Environment == environment);

    [Fact]
    public void Build_NoEvents_ListsEverySystemAndEnvironmentEmpty()
    {
        var view = Build();

        Assert.Equal(["Development", "Integration", "Staging", "Production"], view.Environments);
        Assert.Equal(DefaultPolicy.Systems.Keys.Order(StringComparer.OrdinalIgnoreCase), view.Rows.Select(r => r.System));
        Assert.All(view.Rows.SelectMany(r => r.Cells), c => Assert.Null(c.LastOutcome));
    }

    [Fact]
    public void Build_LatestSuccessfulDeployment_IsWhatIsThereSinceItsTime()
    {
        var view = Build(
            Deployed("r1", "staging", Now.AddDays(-3), version: "1.0.0"),
            Deployed("r2", "staging", Now.AddDays(-1), version: "1.1.0"),
            Deployed("r1", "production", Now.AddDays(-2), version: "1.0.0"));

        var staging = Cell(view, "Billing", "Staging");
        Assert.Equal(("r2", "1.1.0", Format.Time(Now.AddDays(-1))), (staging.ReleaseId, staging.Version, staging.Since));
        Assert.Equal("Deployment success", staging.LastOutcome);
        Assert.Equal("r1", Cell(view, "Billing", "Production").ReleaseId);
        Assert.Null(Cell(view, "Billing", "Development").LastOutcome);
    }

    [Fact]
    public void Build_FailedLastDeployment_KeepsTheEarlierReleaseAndFlagsTheFailure()
    {
        var view = Build(
            Deployed("r1", "production", Now.AddDays(-3)),
            Deployed("r2", "production", Now.AddHours(-2), outcome: EventOutcomes.Failure));

        var cell = Cell(view, "Billing", "Production");
        Assert.Equal("r1", cell.ReleaseId);
        Assert.True(cell.LastFailed);
        Assert.Equal("Deployment failure (r2)", cell.LastOutcome);
    }

    [Fact]
    public void Build_EventWithoutSystem_CountsForEverySystemOfItsRelease()
    {
        var view = Build(Deployed("r1", "integration", Now.AddHours(-5), system: null));

        Assert.Equal("r1", Cell(view, "Billing", "Integration").ReleaseId);
        Assert.Equal("r1", Cell(view, "Forecasting", "Integration").ReleaseId);
    }

    [Fact]
    public void Build_RollbackAfterTheDeployment_IsShown()
    {
        var view = Build(
            Deployed("r2", "production", Now.AddHours(-5)),
            Deployed("r2", "production", Now.AddHours(-4), rollback: true));

        Assert.StartsWith("Rolled back: Rollback success", Cell(view, "Billing", "Production").LastOutcome, StringComparison.Ordinal);
    }
}
