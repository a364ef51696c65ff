using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Metrics.Tests;

/// <summary>
/// The environments page's current-state partition (<see cref="TableEnvironmentStateStore"/>, Azurite): the view it gives
/// is the one the events give, newest wins whatever the order events arrive in, and the page costs the same whatever the
/// history.
/// </summary>
public sealed class EnvironmentStateTests
{
    private static readonly DateTimeOffset Now = new(2033, 5, 14, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (DashboardReader Reader, EnvironmentStateWriter Writer, TableEnvironmentStateStore State) Reader(MetricsHarness h)
    {
        var state = new TableEnvironmentStateStore(h.Service.GetTableClient(TableEnvironmentStateStore.TableFor(h.EventsTable)));
        var writer = new EnvironmentStateWriter(state, h.Releases);
        var reader = new DashboardReader(
            h.Releases, h.Events, h.Decisions, h.Health, new ReleasePolicies(new InMemoryPolicySnapshots(), h.Policy), h.Clock, h.Service_,
            NullLogger<DashboardReader>.Instance, new ConfigurationBuilder().Build(), state, writer);
        return (reader, writer, state);
    }

    private static string Json(EnvironmentsView view) => JsonSerializer.Serialize(view);

    private static CanonicalEvent Event(CanonicalEventType type, DateTimeOffset at, string? releaseId, string? system, string environment,
        string outcome = EventOutcomes.Success, string? version = null) =>
        new($"test:{Guid.NewGuid():N}", "api", type, at, releaseId, system, environment, outcome,
            version is null ? [] : new Dictionary<string, string> { [EventAttributes.Version] = version });

    /// <summary>Deployments, failures, rollbacks, an event with no system naming a release, a system spelled two ways, an environment outside the enum.</summary>
    private static async Task<IReadOnlyList<CanonicalEvent>> SeedAsync(MetricsHarness h)
    {
        var (r1, r2) = (MetricsHarness.NewId("r1"), MetricsHarness.NewId("r2"));
        await h.ReleaseAsync(r1, ReleaseType.Minor, "Billing", Now.AddDays(-60));
        await h.ReleaseAsync(r2, ReleaseType.Minor, "Billing", Now.AddDays(-30));
        CanonicalEvent[] events =
        [
            Event(CanonicalEventType.ServiceDeployed, Now.AddDays(-50), r1, "Billing", "staging", version: "1.0.0"),
            Event(CanonicalEventType.ServiceDeployed, Now.AddDays(-45), r1, null, "production", version: "1.0.0"),
            Event(CanonicalEventType.ServiceDeployed, Now.AddDays(-20), r2, "billing", "staging", version: "1.1.0"),
            Event(CanonicalEventType.ServiceDeployed, Now.AddDays(-10), r2, "Billing", "production", EventOutcomes.Failure),
            Event(CanonicalEventType.ServiceDeployed, Now.AddDays(-9), r2, "Billing", "production", version: "1.1.0"),
            Event(CanonicalEventType.ServiceRolledBack, Now.AddDays(-8), r2, "Billing", "production"),
            Event(CanonicalEventType.ServiceDeployed, Now.AddDays(-7), null, "Ledger", "qa", version: "9"),
            Event(CanonicalEventType.ServiceRolledBack, Now.AddDays(-6), null, "Ledger", "qa", EventOutcomes.Cancelled),
            Event(CanonicalEventType.ServiceDeployed, Now.AddDays(-5), r1, "Payments", "development", EventOutcomes.Failure),
            Event(CanonicalEventType.ServiceDeployed, Now.AddDays(-4), MetricsHarness.NewId("unk"), null, "staging"),
            Event(CanonicalEventType.PipelineRunFinished, Now.AddDays(-3), r1, "Billing", "staging"),
        ];
        foreach (var e in events)
        {
            Assert.Equal(StoreOutcome.Added, await h.Events.AddAsync(e, e.OccurredAt, e.ReleaseId is null ? EventDelivery.Uncorrelated : EventDelivery.NotRunning, Ct));
        }

        return events;
    }

    [Fact]
    public async Task EnvironmentsAsync_StoreWrittenBeforeTheState_BackfillsOnceAndRendersWhatTheEventsRender()
    {
        await using var h = new MetricsHarness(Now);
        await SeedAsync(h);
        var (reader, _, state) = Reader(h);
        var (events, named) = await reader.ListDeploymentsAsync(Ct);
        var fromEvents = EnvironmentsView.Build(events, named, reader.PolicySystems, reader.Format, Now - DashboardReader.DeploymentLookback, Now);

        var fromState = await reader.EnvironmentsAsync(Ct);

        Assert.Equal(Json(fromEvents), Json(fromState));
        Assert.Equal(Now - DashboardReader.DeploymentLookback, (await state.ReadAsync(Ct)).BackfilledFrom);
        h.Storage.Clear();
        Assert.Equal(Json(fromEvents), Json(await reader.EnvironmentsAsync(Ct)));
        Assert.Single(h.Storage.Sent);
    }

    [Fact]
    public async Task RecordAsync_EventsInAnyOrderAndTwice_GiveTheViewTheEventsGive()
    {
        await using var h = new MetricsHarness(Now);
        var seeded = await SeedAsync(h);
        var (reader, writer, state) = Reader(h);
        await state.MarkBackfilledAsync(Now - DashboardReader.DeploymentLookback, Ct);
        foreach (var e in seeded.Reverse().Concat(seeded.Where((_, i) => i % 2 == 0)))
        {
            await writer.RecordAsync(e, Ct);
        }

        var (events, named) = await reader.ListDeploymentsAsync(Ct);
        var fromEvents = EnvironmentsView.Build(events, named, reader.PolicySystems, reader.Format, Now - DashboardReader.DeploymentLookback, Now);
        Assert.Equal(Json(fromEvents), Json(await reader.EnvironmentsAsync(Ct)));
    }

    [Fact]
    public async Task RecordAsync_LateOlderEvents_DoNotOverwriteTheNewerOne()
    {
        await using var h = new MetricsHarness(Now);
        var (reader, writer, state) = Reader(h);
        await state.MarkBackfilledAsync(Now - DashboardReader.DeploymentLookback, Ct);
        var newer = Event(CanonicalEventType.ServiceDeployed, Now.AddDays(-1), "rel-new", "Billing", "production", version: "2.0.0");
        await writer.RecordAsync(newer, Ct);

        // Late arrivals of older events, some at once (concurrent writers of the cell): the newest stays.
        await writer.RecordAsync(Event(CanonicalEventType.ServiceDeployed, Now.AddDays(-3), "rel-old", "Billing", "production", version: "1.0.0"), Ct);
        await Task.WhenAll(Enumerable.Range(2, 12).Select(d => writer.RecordAsync(
            Event(CanonicalEventType.ServiceDeployed, Now.AddDays(-d).AddMinutes(-d), $"rel-{d}", "Billing", "production", d % 3 == 0 ? EventOutcomes.Failure : EventOutcomes.Success), Ct)));
        await writer.RecordAsync(newer, Ct);

        var cell = (await reader.EnvironmentsAsync(Ct)).Rows.Single(r => r.System == "Billing").Cells.Single(c => c.Environment == "Production");
        Assert.Equal(("rel-new", "2.0.0", "Deployment success"), (cell.ReleaseId, cell.Version, cell.LastOutcome));
        Assert.Single((await state.ReadAsync(Ct)).Cells);
    }

    [Fact]
    public async Task RecordAsync_ConcurrentNewerEvents_TheNewestWins()
    {
        await using var h = new MetricsHarness(Now);
        var (reader, writer, state) = Reader(h);
        await state.MarkBackfilledAsync(Now - DashboardReader.DeploymentLookback, Ct);

        await Task.WhenAll(Enumerable.Range(1, 16).Select(i => writer.RecordAsync(
            Event(CanonicalEventType.ServiceDeployed, Now.AddHours(-24 + i), $"rel-{i:00}", "Billing", "staging"), Ct)));

        var cell = (await reader.EnvironmentsAsync(Ct)).Rows.Single(r => r.System == "Billing").Cells.Single(c => c.Environment == "Staging");
        Assert.Equal("rel-16", cell.ReleaseId);
    }

    [Fact]
    public async Task EnvironmentsAsync_LastDeploymentOlderThanTheLookback_StaysOnThePage()
    {
        await using var h = new MetricsHarness(Now);
        var (reader, writer, state) = Reader(h);
        await state.MarkBackfilledAsync(Now - DashboardReader.DeploymentLookback, Ct);
        await writer.RecordAsync(Event(CanonicalEventType.ServiceDeployed, Now.AddDays(-400), "rel-year", "Ledger", "production", version: "7.0"), Ct);

        var cell = (await reader.EnvironmentsAsync(Ct)).Rows.Single(r => r.System == "Ledger").Cells.Single(c => c.Environment == "Production");

        Assert.Equal(("rel-year", "7.0"), (cell.ReleaseId, cell.Version));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(2_000)]
    public async Task EnvironmentsAsync_OlderEvents_CostOneQueryWhateverTheirNumber(int older)
    {
        await using var h = new MetricsHarness(Now);
        string[] systems = ["Billing", "Ledger", "Payments", "Forecasting"];
        string[] environments = ["development", "integration", "staging", "production"];
        var events = Enumerable.Range(0, older + 16).Select(i => i < older
                ? Event(CanonicalEventType.ServiceDeployed, Now.AddDays(-170).AddMinutes(i), $"rel-{i}", systems[i % 4], environments[i / 4 % 4])
                : Event(CanonicalEventType.ServiceDeployed, Now.AddMinutes(-60 + i - older), "rel-last", systems[i % 4], environments[i / 4 % 4]))
            .ToArray();
        foreach (var chunk in events.Chunk(100))
        {
            await Task.WhenAll(chunk.Select(e => h.Events.AddAsync(e, e.OccurredAt, EventDelivery.Uncorrelated, Ct)));
        }

        var (reader, _, _) = Reader(h);
        await reader.EnvironmentsAsync(Ct); // the backfill, once
        h.Storage.Clear();

        var view = await reader.EnvironmentsAsync(Ct);

        Assert.Equal(16, view.Rows.Where(r => systems.Contains(r.System)).SelectMany(r => r.Cells).Count(c => c.ReleaseId == "rel-last"));
        var sent = Assert.Single(h.Storage.Sent);
        Assert.Equal("GET", sent.Method);
        Assert.EndsWith($"/{TableEnvironmentStateStore.TableFor(h.EventsTable)}()", sent.Path, StringComparison.Ordinal);
    }
}
