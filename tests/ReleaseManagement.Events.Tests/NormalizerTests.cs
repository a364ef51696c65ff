using System.Text;
using ReleaseManagement.Events;

namespace ReleaseManagement.Events.Tests;

public sealed class NormalizerTests
{
    private static readonly DateTimeOffset Received = new(2025, 7, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly PipelineEventNormalizer Normalizer = new(new ReleaseCorrelator(new CorrelationOptions()));

    private static NormalizationResult GitHub(string fixture, string type, string id = "d6f4c1a0-5d8e-11f0-8a2b-0242ac120002") =>
        Normalizer.Normalize(new InboundDelivery(EventSources.GitHub, Fixture.Bytes(fixture), Received, type, id));

    private static NormalizationResult Ado(string fixture) =>
        Normalizer.Normalize(new InboundDelivery(EventSources.AzureDevOps, Fixture.Bytes(fixture), Received));

    private static NormalizationResult CD(string fixture) =>
        Normalizer.Normalize(new InboundDelivery(EventSources.CDEvents, Fixture.Bytes(fixture), Received));

    [Fact]
    public void GitHub_WorkflowRunCompleted_IsPipelineRunFinishedOnReleaseBranch()
    {
        var result = GitHub("github/workflow_run.completed.json", "workflow_run");

        Assert.Equal(NormalizationStatus.Accepted, result.Status);
        var e = result.Event!;
        Assert.Equal("github:d6f4c1a0-5d8e-11f0-8a2b-0242ac120002", e.EventId);
        Assert.Equal(CanonicalEventType.PipelineRunFinished, e.Type);
        Assert.Equal(EventOutcomes.Success, e.Outcome);
        Assert.Equal("2025.07", e.ReleaseId);
        Assert.Equal(CorrelationRules.Branch, e.Attribute(EventAttributes.Correlation));
        Assert.Equal("octo-repo", e.System);
        Assert.Equal(DateTimeOffset.Parse("2025-07-08T09:14:45Z"), e.OccurredAt);
        Assert.Equal("https://github.com/octo-org/octo-repo/actions/runs/30433642", e.Attribute(EventAttributes.Url));
    }

    [Fact]
    public void GitHub_CheckSuiteCompleted_IsFailedTestSuiteRun()
    {
        var e = GitHub("github/check_suite.completed.json", "check_suite").Event!;

        Assert.Equal(CanonicalEventType.TestSuiteRunFinished, e.Type);
        Assert.Equal(EventOutcomes.Failure, e.Outcome);
        Assert.Equal("2025.07", e.ReleaseId);
    }

    [Fact]
    public void GitHub_DeploymentStatusSuccess_IsServiceDeployedWithExplicitRelease()
    {
        var e = GitHub("github/deployment_status.success.json", "deployment_status").Event!;

        Assert.Equal(CanonicalEventType.ServiceDeployed, e.Type);
        Assert.Equal("2025.07", e.ReleaseId);
        Assert.Equal(CorrelationRules.Explicit, e.Attribute(EventAttributes.Correlation));
        Assert.Equal(CanonicalValues.Production, e.Environment);
        Assert.Equal(EventOutcomes.Success, e.Outcome);
        Assert.Equal("2.4.0", e.Attribute(EventAttributes.Version));
        Assert.Equal("billing", e.System);
    }

    [Fact]
    public void GitHub_RollbackDeployment_IsServiceRolledBack()
    {
        var e = GitHub("github/deployment_status.rollback.json", "deployment_status").Event!;

        Assert.Equal(CanonicalEventType.ServiceRolledBack, e.Type);
        Assert.Equal(CanonicalValues.Production, e.Environment);
        Assert.Equal("2025.07", e.ReleaseId);
    }

    [Fact]
    public void GitHub_MergedPullRequest_IsChangeMergedIntoReleaseBranch()
    {
        var e = GitHub("github/pull_request.merged.json", "pull_request").Event!;

        Assert.Equal(CanonicalEventType.ChangeMerged, e.Type);
        Assert.Equal("2025.07", e.ReleaseId);
        Assert.Equal("1347", e.Attribute(EventAttributes.Change));
        Assert.Equal(DateTimeOffset.Parse("2025-07-07T16:45:03Z"), e.OccurredAt);
    }

    [Fact]
    public void GitHub_ReleasePublished_IsArtifactPublishedCorrelatedByVersion()
    {
        var e = GitHub("github/release.published.json", "release").Event!;

        Assert.Equal(CanonicalEventType.ArtifactPublished, e.Type);
        Assert.Equal("v2.4.0", e.Attribute(EventAttributes.Version));
        Assert.Equal("2.4.0", e.ReleaseId);
        Assert.Equal(CorrelationRules.Version, e.Attribute(EventAttributes.Correlation));
    }

    [Theory]
    [InlineData("github/ping.json", "ping")]
    [InlineData("github/deployment.created.json", "deployment")]
    [InlineData("github/workflow_run.requested.json", "workflow_run")]
    [InlineData("github/pull_request.closed-unmerged.json", "pull_request")]
    [InlineData("github/issues.opened.json", "issues")]
    public void GitHub_EventsWeDoNotUse_AreIgnored(string fixture, string type)
    {
        var result = GitHub(fixture, type);

        Assert.Equal(NormalizationStatus.Ignored, result.Status);
        Assert.Null(result.Event);
        Assert.False(string.IsNullOrEmpty(result.Detail));
    }

    [Fact]
    public void GitHub_NotJsonOrNoEventHeader_IsMalformed()
    {
        Assert.Equal(NormalizationStatus.Malformed, Normalizer.Normalize(new InboundDelivery(EventSources.GitHub, "not json"u8.ToArray(), Received, "workflow_run", "x")).Status);
        Assert.Equal(NormalizationStatus.Malformed, Normalizer.Normalize(new InboundDelivery(EventSources.GitHub, "[1,2]"u8.ToArray(), Received, "workflow_run", "x")).Status);
        Assert.Equal(NormalizationStatus.Malformed, Normalizer.Normalize(new InboundDelivery(EventSources.GitHub, "{}"u8.ToArray(), Received, null, "x")).Status);
        Assert.Equal(NormalizationStatus.Malformed, Normalizer.Normalize(new InboundDelivery(EventSources.GitHub, Fixture.Bytes("github/ping.json"), Received, "ping", null)).Status);
    }

    [Fact]
    public void AzureDevOps_BuildComplete_IsPipelineRunFinishedWithExplicitVariable()
    {
        var result = Ado("azure-devops/build.complete.json");

        var e = result.Event!;
        Assert.Equal("4a5d99d6-1c75-4e53-91b9-ee80057d4ce3", result.DeliveryId);
        Assert.Equal("azure-devops:4a5d99d6-1c75-4e53-91b9-ee80057d4ce3", e.EventId);
        Assert.Equal(CanonicalEventType.PipelineRunFinished, e.Type);
        Assert.Equal(EventOutcomes.Success, e.Outcome);
        Assert.Equal("2025.07-hotfix", e.ReleaseId);
        Assert.Equal(CorrelationRules.Explicit, e.Attribute(EventAttributes.Correlation));
        Assert.Equal(DateTimeOffset.Parse("2025-07-07T18:06:10.353Z"), e.OccurredAt);
    }

    [Fact]
    public void AzureDevOps_DeploymentCompleted_IsServiceDeployedToProduction()
    {
        var e = Ado("azure-devops/deployment-completed.json").Event!;

        Assert.Equal(CanonicalEventType.ServiceDeployed, e.Type);
        Assert.Equal(CanonicalValues.Production, e.Environment);
        Assert.Equal("2025.07", e.ReleaseId);
        Assert.Equal("2.4.0", e.Attribute(EventAttributes.Version));
    }

    [Fact]
    public void AzureDevOps_RunStateChangedCompleted_IsFailedPipelineRun()
    {
        var e = Ado("azure-devops/run-state-changed.json").Event!;

        Assert.Equal(CanonicalEventType.PipelineRunFinished, e.Type);
        Assert.Equal(EventOutcomes.Failure, e.Outcome);
        Assert.Equal("2025.07", e.ReleaseId);
        Assert.Equal(CorrelationRules.Branch, e.Attribute(EventAttributes.Correlation));
    }

    [Fact]
    public void AzureDevOps_DeploymentStageCompleted_IsServiceDeployedToStaging()
    {
        var e = Ado("azure-devops/stage-state-changed.json").Event!;

        Assert.Equal(CanonicalEventType.ServiceDeployed, e.Type);
        Assert.Equal(CanonicalValues.Staging, e.Environment);
        Assert.Equal("2025.07", e.ReleaseId);
    }

    [Fact]
    public void AzureDevOps_PullRequestMerged_IsChangeMergedOnTargetReleaseBranch()
    {
        var e = Ado("azure-devops/pullrequest-merged.json").Event!;

        Assert.Equal(CanonicalEventType.ChangeMerged, e.Type);
        Assert.Equal("2025.08", e.ReleaseId);
        Assert.Equal("Fabrikam", e.System);
    }

    // Resource versions. Each fixture below has the shape of a sample payload in Azure DevOps' service hooks event reference
    // (learn.microsoft.com/azure/devops/service-hooks/events; source MicrosoftDocs/azure-devops-docs, docs/service-hooks/events.md),
    // with our own ids, names and dates; Fixtures/azure-devops/README.md says which sample each one follows.

    private static NormalizationResult AdoWith(string fixture, string from, string to) =>
        Normalizer.Normalize(new InboundDelivery(EventSources.AzureDevOps, Encoding.UTF8.GetBytes(Fixture.Text(fixture).Replace(from, to, StringComparison.Ordinal)), Received));

    [Fact]
    public void AzureDevOps_BuildCompleteResourceVersion1_IsPipelineRunFinishedWithBranchAndCommitFromSourceGetVersion()
    {
        var result = Ado("azure-devops/build.complete.v1.json");

        Assert.Equal(NormalizationStatus.Accepted, result.Status);
        var e = result.Event!;
        Assert.Equal("azure-devops:5a0d6aac-bcf2-43b1-bca6-be008bc68587", e.EventId);
        Assert.Equal(CanonicalEventType.PipelineRunFinished, e.Type);
        Assert.Equal(EventOutcomes.Success, e.Outcome);
        Assert.Equal("2025.09", e.ReleaseId);
        Assert.Equal(CorrelationRules.Branch, e.Attribute(EventAttributes.Correlation));
        Assert.Equal("refs/heads/release/2025.09", e.Attribute(EventAttributes.Branch));
        Assert.Equal("9b1e4c2d7a3f5e6b8c0d1a2b3c4d5e6f7a8b9c0d", e.Attribute(EventAttributes.Commit));
        Assert.Equal("Billing", e.System);
        Assert.Equal("Billing", e.Attribute(EventAttributes.Pipeline));
        Assert.Equal("Billing_20250711.3", e.Attribute(EventAttributes.Run));
        Assert.Equal("https://dev.azure.com/contoso/DefaultCollection/5ace505d-6df3-4056-9057-8bcdfb9c0d5c/_apis/build/Builds/311", e.Attribute(EventAttributes.Url));
        Assert.Equal(DateTimeOffset.Parse("2025-07-11T09:09:47.52Z"), e.OccurredAt);
    }

    [Theory]
    [InlineData("succeeded", EventOutcomes.Success)]
    [InlineData("partiallySucceeded", EventOutcomes.Failure)]
    [InlineData("failed", EventOutcomes.Failure)]
    [InlineData("stopped", EventOutcomes.Cancelled)]
    public void AzureDevOps_BuildCompleteResourceVersion1_FinalStatusIsTheOutcome(string status, string outcome)
    {
        var result = AdoWith("azure-devops/build.complete.v1.json", "\"status\": \"succeeded\"", $"\"status\": \"{status}\"");

        Assert.Equal(NormalizationStatus.Accepted, result.Status);
        Assert.Equal(outcome, result.Event!.Outcome);
    }

    [Theory]
    [InlineData("inProgress")]
    [InlineData("notStarted")]
    [InlineData("cancelling")]
    public void AzureDevOps_BuildCompleteResourceVersion1_StatusNotFinal_IsIgnored(string status)
    {
        var result = AdoWith("azure-devops/build.complete.v1.json", "\"status\": \"succeeded\"", $"\"status\": \"{status}\"");

        Assert.Equal(NormalizationStatus.Ignored, result.Status);
        Assert.Equal($"build status '{status}' is not final.", result.Detail);
    }

    [Theory]
    [InlineData("\"result\": \"succeeded\"", "\"result\": \"canceled\"", EventOutcomes.Cancelled)]
    [InlineData("\"result\": \"succeeded\"", "\"result\": \"partiallySucceeded\"", EventOutcomes.Failure)]
    [InlineData("\"result\": \"succeeded\"", "\"result\": \"failed\"", EventOutcomes.Failure)]
    [InlineData("\"result\": \"succeeded\"", "\"result\": \"none\"", null)]
    [InlineData("\"result\": \"succeeded\",", "", null)]
    public void AzureDevOps_BuildCompleteResourceVersion2_ResultIsTheOutcome_StatusCompletedAloneIsNot(string from, string to, string? outcome)
    {
        var result = AdoWith("azure-devops/build.complete.json", from, to);

        Assert.Equal(outcome is null ? NormalizationStatus.Ignored : NormalizationStatus.Accepted, result.Status);
        Assert.Equal(outcome, result.Event?.Outcome);
    }

    [Fact]
    public void AzureDevOps_DeploymentCompletedWithEnvironmentOnly_IsServiceDeployedFromTheEnvironment()
    {
        var result = Ado("azure-devops/deployment-completed.environment.json");

        Assert.Equal(NormalizationStatus.Accepted, result.Status);
        var e = result.Event!;
        Assert.Equal(CanonicalEventType.ServiceDeployed, e.Type);
        Assert.Equal(CanonicalValues.Production, e.Environment);
        Assert.Equal(EventOutcomes.Success, e.Outcome);
        Assert.Equal("2025.09", e.ReleaseId);
        Assert.Equal(CorrelationRules.Explicit, e.Attribute(EventAttributes.Correlation));
        Assert.Equal("Billing", e.System);
        Assert.Equal("Release-12", e.Attribute(EventAttributes.Run));
        Assert.Equal("https://contoso.vsrm.visualstudio.com/DefaultCollection/Billing/_apis/Release/releases/12", e.Attribute(EventAttributes.Url));
    }

    [Fact]
    public void AzureDevOps_DeploymentCompletedWithDeploymentOnly_TakesEnvironmentAndStatusFromTheDeployment()
    {
        var result = Ado("azure-devops/deployment-completed.deployment.json");

        Assert.Equal(NormalizationStatus.Accepted, result.Status);
        var e = result.Event!;
        Assert.Equal(CanonicalEventType.ServiceDeployed, e.Type);
        Assert.Equal(CanonicalValues.Staging, e.Environment);
        Assert.Equal(EventOutcomes.Failure, e.Outcome);
        Assert.Equal("Billing.CD", e.System);
        Assert.Equal("Billing.CD", e.Attribute(EventAttributes.Pipeline));
        Assert.Equal("Release-13", e.Attribute(EventAttributes.Run));
        Assert.Null(e.ReleaseId);
        Assert.Equal(DateTimeOffset.Parse("2025-07-13T10:05:44.902Z"), e.OccurredAt);
    }

    [Theory]
    [InlineData("azure-devops/deployment-completed.json", "\"status\": \"succeeded\"", "\"status\": \"inProgress\"")]
    [InlineData("azure-devops/deployment-completed.environment.json", "\"status\": \"succeeded\"", "\"status\": \"inProgress\"")]
    [InlineData("azure-devops/deployment-completed.deployment.json", "\"status\": \"failed\"", "\"status\": \"queued\"")]
    public void AzureDevOps_DeploymentCompletedStatusNotFinal_IsIgnoredInEveryShape(string fixture, string from, string to)
    {
        var result = AdoWith(fixture, from, to);

        Assert.Equal(NormalizationStatus.Ignored, result.Status);
        Assert.Contains("is not final", result.Detail);
    }

    [Fact]
    public void AzureDevOps_DeploymentCompletedWithoutEnvironmentAnywhere_IsMalformed()
    {
        var result = AdoWith("azure-devops/deployment-completed.deployment.json", "\"environment\": { \"id\": 22, \"name\": \"Staging\" }", "\"stage\": 22");

        Assert.Equal(NormalizationStatus.Malformed, result.Status);
    }

    [Fact]
    public void AzureDevOps_RunStateChangedWithPipelineOnTheRunOnly_NamesTheSystemFromTheRun()
    {
        var result = Ado("azure-devops/run-state-changed.run.json");

        Assert.Equal(NormalizationStatus.Accepted, result.Status);
        var e = result.Event!;
        Assert.Equal(CanonicalEventType.PipelineRunFinished, e.Type);
        Assert.Equal(EventOutcomes.Success, e.Outcome);
        Assert.Equal("billing-ci", e.System);
        Assert.Equal("billing-ci", e.Attribute(EventAttributes.Pipeline));
        Assert.Equal("https://dev.azure.com/contoso/f2dc7792-ee1c-4f19-8dfb-c1669855ea40/_build/results?buildId=512", e.Attribute(EventAttributes.Url));
        Assert.Equal(DateTimeOffset.Parse("2025-07-14T07:41:55.604Z"), e.OccurredAt);
    }

    [Theory]
    [InlineData("azure-devops/run-state-changed.json")]
    [InlineData("azure-devops/run-state-changed.run.json")]
    public void AzureDevOps_RunStateChangedInProgress_IsIgnoredInEveryShape(string fixture)
    {
        var result = AdoWith(fixture, "\"state\": \"completed\"", "\"state\": \"inProgress\"");

        Assert.Equal(NormalizationStatus.Ignored, result.Status);
    }

    [Fact]
    public void AzureDevOps_StageStateChangedDocumentedShape_IsServiceDeployedToProduction()
    {
        var result = Ado("azure-devops/stage-state-changed.documented.json");

        Assert.Equal(NormalizationStatus.Accepted, result.Status);
        var e = result.Event!;
        Assert.Equal(CanonicalEventType.ServiceDeployed, e.Type);
        Assert.Equal(CanonicalValues.Production, e.Environment);
        Assert.Equal(EventOutcomes.Success, e.Outcome);
        Assert.Equal("billing-cd", e.System);
        Assert.Equal("20250715.1", e.Attribute(EventAttributes.Run));
        Assert.Equal("https://dev.azure.com/contoso/f2dc7792-ee1c-4f19-8dfb-c1669855ea40/_build/results?buildId=530", e.Attribute(EventAttributes.Url));
    }

    [Theory]
    [InlineData("azure-devops/stage-state-changed.json")]
    [InlineData("azure-devops/stage-state-changed.documented.json")]
    public void AzureDevOps_StageStateChangedRunning_IsIgnoredInEveryShape(string fixture)
    {
        var result = AdoWith(fixture, "\"state\": \"completed\"", "\"state\": \"inProgress\"");

        Assert.Equal(NormalizationStatus.Ignored, result.Status);
        Assert.Contains("only completed stages are used", result.Detail);
    }

    [Fact]
    public void AzureDevOps_PullRequestMergedResourceVersion1Preview_IsChangeMergedWithWebLinkAndMergeCommit()
    {
        var result = Ado("azure-devops/pullrequest-merged.v1-preview.json");

        Assert.Equal(NormalizationStatus.Accepted, result.Status);
        var e = result.Event!;
        Assert.Equal(CanonicalEventType.ChangeMerged, e.Type);
        Assert.Equal("2025.09", e.ReleaseId);
        Assert.Equal("billing", e.System);
        Assert.Equal("57", e.Attribute(EventAttributes.Change));
        Assert.Equal("1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d", e.Attribute(EventAttributes.Commit));
        Assert.Equal("https://contoso.visualstudio.com/DefaultCollection/_git/billing/pullrequest/57#view=discussion", e.Attribute(EventAttributes.Url));
        Assert.Equal(DateTimeOffset.Parse("2025-07-15T11:47:03.908Z"), e.OccurredAt);
    }

    [Theory]
    [InlineData("azure-devops/pullrequest-merged.json", "\"mergeStatus\": \"succeeded\"", "\"mergeStatus\": \"conflicts\"")]
    [InlineData("azure-devops/pullrequest-merged.v1-preview.json", "\"mergeStatus\": \"succeeded\"", "\"mergeStatus\": \"rejectedByPolicy\"")]
    public void AzureDevOps_PullRequestMergeNotSucceeded_IsIgnoredInEveryVersion(string fixture, string from, string to)
    {
        var result = AdoWith(fixture, from, to);

        Assert.Equal(NormalizationStatus.Ignored, result.Status);
    }

    [Fact]
    public void AzureDevOps_UnknownTypeIsIgnored_AndEnvelopeWithoutIdIsMalformed()
    {
        Assert.Equal(NormalizationStatus.Ignored, Ado("azure-devops/workitem.updated.json").Status);
        Assert.Equal(NormalizationStatus.Malformed,
            Normalizer.Normalize(new InboundDelivery(EventSources.AzureDevOps, """{"eventType":"build.complete","resource":{}}"""u8.ToArray(), Received)).Status);
    }

    [Fact]
    public void CDEvents_PipelineRunFinished_UsesContextIdAndCustomDataRelease()
    {
        var result = CD("cdevents/pipelinerun-finished.json");

        var e = result.Event!;
        Assert.Equal("cdevents:271069a8-fc18-44f1-b38f-9d70a1695819", e.EventId);
        Assert.Equal(CanonicalEventType.PipelineRunFinished, e.Type);
        Assert.Equal("2025.07", e.ReleaseId);
        Assert.Equal("billing", e.System);
        Assert.Equal(EventOutcomes.Success, e.Outcome);
        Assert.Equal("myPipeline", e.Attribute(EventAttributes.Pipeline));
    }

    [Fact]
    public void CDEvents_TestSuiteRunFinished_CarriesCountsAndCoverage()
    {
        var e = CD("cdevents/testsuiterun-finished.json").Event!;

        Assert.Equal(CanonicalEventType.TestSuiteRunFinished, e.Type);
        Assert.Equal(EventOutcomes.Failure, e.Outcome);
        Assert.Equal("412", e.Attribute(EventAttributes.TestsPassed));
        Assert.Equal("3", e.Attribute(EventAttributes.TestsFailed));
        Assert.Equal("81.5", e.Attribute(EventAttributes.Coverage));
        Assert.Equal(CanonicalValues.Staging, e.Environment);
        Assert.Equal("2025.07", e.ReleaseId);
    }

    [Fact]
    public void CDEvents_ArtifactPublished_TakesVersionFromPurl()
    {
        var e = CD("cdevents/artifact-published.json").Event!;

        Assert.Equal(CanonicalEventType.ArtifactPublished, e.Type);
        Assert.Equal("3.1.0", e.Attribute(EventAttributes.Version));
        Assert.Equal("3.1.0", e.ReleaseId);
        Assert.Equal("billing", e.System);
    }

    [Fact]
    public void CDEvents_ServiceDeployed_MapsEnvironment()
    {
        var e = CD("cdevents/service-deployed.json").Event!;

        Assert.Equal(CanonicalEventType.ServiceDeployed, e.Type);
        Assert.Equal(CanonicalValues.Production, e.Environment);
        Assert.Null(e.Attribute(EventAttributes.Version));
    }

    /// <summary>A production step's report names the step (docs/deployment-strategies.md) in each source's own place.</summary>
    [Fact]
    public void ServiceDeployed_StepNamedInEachSourcesOwnPlace_IsTheStepAttribute()
    {
        static NormalizationResult With(string source, string fixture, string from, string to, string? type = null) =>
            Normalizer.Normalize(new InboundDelivery(source, Encoding.UTF8.GetBytes(Fixture.Text(fixture).Replace(from, to, StringComparison.Ordinal)), Received, type,
                type is null ? null : "d6f4c1a0-5d8e-11f0-8a2b-0242ac120002"));

        var cd = With(EventSources.CDEvents, "cdevents/service-deployed.json", "\"customData\": { \"releaseId\": \"2025.07\" }",
            "\"customData\": { \"releaseId\": \"2025.07\", \"step\": \"canary-10\" }").Event!;
        var gitHub = With(EventSources.GitHub, "github/deployment_status.success.json", "\"payload\": { \"releaseId\": \"2025.07\", \"version\": \"2.4.0\" }",
            "\"payload\": { \"releaseId\": \"2025.07\", \"version\": \"2.4.0\", \"step\": \"idle-slot\" }", "deployment_status").Event!;
        var ado = With(EventSources.AzureDevOps, "azure-devops/deployment-completed.json", "\"variables\": { \"releaseId\": { \"value\": \"2025.07\" } }",
            "\"variables\": { \"releaseId\": { \"value\": \"2025.07\" }, \"releaseStep\": { \"value\": \"batch-25\" } }").Event!;

        Assert.Equal(
            [("canary-10", CanonicalEventType.ServiceDeployed), ("idle-slot", CanonicalEventType.ServiceDeployed), ("batch-25", CanonicalEventType.ServiceDeployed)],
            new[] { cd, gitHub, ado }.Select(e => (e.Attribute(EventAttributes.Step)!, e.Type)));
        Assert.Null(CD("cdevents/service-deployed.json").Event!.Attribute(EventAttributes.Step));
    }

    [Fact]
    public void CDEvents_TypeWeDoNotUse_IsIgnored()
    {
        Assert.Equal(NormalizationStatus.Ignored, CD("cdevents/taskrun-started.json").Status);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"id":"1","source":"/x","type":"dev.cdevents.pipelinerun.finished.0.2.0"}""")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"/x","type":"dev.cdevents.pipelinerun.finished.0.2.0","datacontenttype":"application/json","data":"just text"}""")]
    public void CDEvents_NotACloudEventWithCDEvent_IsMalformed(string body)
    {
        Assert.Equal(NormalizationStatus.Malformed, Normalizer.Normalize(new InboundDelivery(EventSources.CDEvents, Encoding.UTF8.GetBytes(body), Received)).Status);
    }
}

public sealed class CorrelationTests
{
    private readonly ReleaseCorrelator _correlator = new(new CorrelationOptions());

    [Fact]
    public void Correlate_ExplicitId_WinsOverConventions()
    {
        Assert.Equal(("R-1", CorrelationRules.Explicit), _correlator.Correlate(new CorrelationHints("R-1", ["release/R-2"], "release/R-3", "1.2.3")));
    }

    [Theory]
    [InlineData("refs/heads/release/2025.07", "2025.07")]
    [InlineData("release/hotfix-12", "hotfix-12")]
    public void Correlate_ReleaseBranch_GivesItsId(string branch, string expected)
    {
        Assert.Equal((expected, CorrelationRules.Branch), _correlator.Correlate(new CorrelationHints(null, ["main", branch])));
    }

    [Fact]
    public void Correlate_InvalidExplicitId_FallsBackToTagThenVersion()
    {
        Assert.Equal(("R-9", CorrelationRules.Tag), _correlator.Correlate(new CorrelationHints("bad id!", ["main"], "refs/tags/release/R-9")));
        Assert.Equal(("4.0.1", CorrelationRules.Version), _correlator.Correlate(new CorrelationHints(null, ["main"], "nightly", "v4.0.1+build.7")));
    }

    [Fact]
    public void Correlate_NothingMatches_IsUncorrelated()
    {
        Assert.Equal((null, CorrelationRules.None), _correlator.Correlate(new CorrelationHints(null, ["main", "release/"], null, "nightly")));
    }

    [Fact]
    public void Correlate_ConventionsTurnedOff_AreNotUsed()
    {
        var correlator = new ReleaseCorrelator(new CorrelationOptions { BranchPrefix = "", TagPrefix = null, VersionPattern = "" });

        Assert.Equal((null, CorrelationRules.None), correlator.Correlate(new CorrelationHints(null, ["release/R-1"], "release/R-2", "1.2.3")));
    }
}
