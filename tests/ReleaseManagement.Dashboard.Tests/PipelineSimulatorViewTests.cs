using System.Text.Json;
using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Dashboard.Tests;

public sealed class PipelineSimulatorViewTests
{
    private static readonly FormContext Page = new("form", "value", AsksWho: false);

    private static PipelineSimulatorView? Build(ReleaseRecord record) =>
        PipelineSimulatorView.Build(record, Builders.DefaultPolicy, [], "/api/dashboard/releases/r1/pipeline", Page, null);

    [Fact]
    public void Build_AtAGate_OffersEachEvidenceItemPassingAndFailingAllPassingAndTheConfigurationLeavingAttestationsToPeople()
    {
        var record = Builders.Release("r1", stage: "gate:production") with
        {
            Gates =
            [
                new GateItemStatus("backup", "Pending", null),
                new GateItemStatus("rollback-plan", "Pending", null),
                new GateItemStatus("environment-configuration", "Failed", "missing"),
                new GateItemStatus("monitoring-active", "Passed", null),
            ],
        };

        var view = Build(record)!;

        Assert.Equal(
            ["evidence|backup|success;configuration|production", "evidence|backup|success", "evidence|backup|failure", "configuration|production"],
            view.Signals.Select(s => s.Signal));
        Assert.True(view.Signals.Single(s => s.Signal == "evidence|backup|failure").Failure);
        Assert.Contains(view.People, p => p.StartsWith("rollback-plan: an attestation by release-manager", StringComparison.Ordinal));
        Assert.Equal("/api/dashboard/releases/r1/pipeline", view.Action);
    }

    [Fact]
    public void Build_StagesOfThePipeline_OfferWhatItsPipelineWouldSendNext()
    {
        Assert.Equal(["deployed|staging|success", "deployed|staging|failure"], Build(Builders.Release("r1", stage: "deploy:staging"))!.Signals.Select(s => s.Signal));
        Assert.Equal(["milestone|feature-complete"], Build(Builders.Release("r1", stage: "milestones"))!.Signals.Select(s => s.Signal));
        Assert.Equal(["milestone|feature-complete", "evidence|unit-tests|success", "evidence|unit-tests|failure"],
            Build(Builders.Release("r1", stage: "promotion:integration"))!.Signals.Select(s => s.Signal));
        Assert.Empty(Build(Builders.Release("r1", stage: "window"))!.Signals);
        Assert.Empty(Build(Builders.Release("r1", stage: "promotion:integration", pending: [new PendingApproval("promotion:integration", [], Builders.Now)]))!.Signals);
        Assert.Null(Build(Builders.Release("r1", status: ReleaseStatus.Completed, stage: "closed")));
    }

    [Fact]
    public void Deliveries_ADeploymentOfTwoSystems_AreOneSignedCDEventEachNamingTheRelease()
    {
        var (deliveries, problem) = SimulatedSignals.Deliveries("deployed|production|failure", "r1", ["Billing", "Payments"], Builders.DefaultPolicy, Builders.Now);

        Assert.Null(problem);
        Assert.Equal(2, deliveries.Count);
        using var doc = JsonDocument.Parse(deliveries[1]);
        var data = doc.RootElement.GetProperty("data");
        Assert.Equal("dev.cdevents.service.deployed.0.2.0", doc.RootElement.GetProperty("type").GetString());
        Assert.Equal("r1", data.GetProperty("customData").GetProperty("releaseId").GetString());
        Assert.Equal("Payments", data.GetProperty("customData").GetProperty("system").GetString());
        Assert.Equal("failure", data.GetProperty("subject").GetProperty("content").GetProperty("outcome").GetString());
        Assert.Equal("production", data.GetProperty("subject").GetProperty("content").GetProperty("environment").GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("evidence|rollback-plan|success")] // an attestation: people give it
    [InlineData("milestone|no-such-milestone")]
    [InlineData("deployed|moon|success")]
    [InlineData("evidence|backup|maybe")]
    [InlineData("")]
    public void Deliveries_NotASignalOfThePolicy_IsAProblemAndNothingIsSent(string signal)
    {
        var (deliveries, problem) = SimulatedSignals.Deliveries(signal, "r1", ["Billing"], Builders.DefaultPolicy, Builders.Now);

        Assert.Empty(deliveries);
        Assert.NotNull(problem);
    }
}
