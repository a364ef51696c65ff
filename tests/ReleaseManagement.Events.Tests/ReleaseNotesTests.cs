using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using ReleaseManagement.Api.Communications;
using ReleaseManagement.Communications;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Events.Tests;

/// <summary>Release notes from the merged changes of real GitHub, Azure DevOps and CDEvents deliveries (the fixtures), in Markdown and HTML.</summary>
public sealed class ReleaseNotesTests
{
    private static readonly DateTimeOffset Received = new(2025, 7, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly PipelineEventNormalizer Normalizer = new(new ReleaseCorrelator(new CorrelationOptions()));

    private static CanonicalEvent Normalize(string source, string fixture, string? type = null) =>
        Normalizer.Normalize(new InboundDelivery(source, Fixture.Bytes(fixture), Received, type, type is null ? null : "d6f4c1a0-5d8e-11f0-8a2b-0242ac120009")).Event!;

    private static IReadOnlyList<CanonicalEvent> Deliveries() =>
    [
        Normalize(EventSources.GitHub, "github/pull_request.merged.json", "pull_request"),
        Normalize(EventSources.AzureDevOps, "azure-devops/pullrequest-merged.json"),
        Normalize(EventSources.CDEvents, "cdevents/change-merged.json"),
        Normalize(EventSources.CDEvents, "cdevents/artifact-published.json"),
    ];

    private static ReleaseRecord Record() => new(
        new ReleaseRequest("2025.07", "July <release>", ReleaseType.Minor, ["Billing"], new DateOnly(2025, 7, 15)),
        Received.AddDays(-30), ReleasePhase.Promotion, ReleaseStatus.Active, "Promoting", Received,
        Gates: [new GateItemStatus("unit-tests", "Passed", "412 passed"), new GateItemStatus("security-scan", "Waived", "waived by rm@example.com: false positive")]);

    [Fact]
    public void Normalizers_ChangeMerged_KeepTitleNumberAuthorUrlAndLabels()
    {
        var (github, ado, cd, _) = (Deliveries()[0], Deliveries()[1], Deliveries()[2], Deliveries()[3]);

        Assert.Equal(("Fix rounding in invoices", "1347", "octocat", "https://github.com/octo-org/octo-repo/pull/1347", "bug,billing"),
            (github.Attribute(EventAttributes.Title), github.Attribute(EventAttributes.Change), github.Attribute(EventAttributes.Author), github.Attribute(EventAttributes.Url), github.Attribute(EventAttributes.Labels)));
        Assert.Equal(("my first pull request", "1", "Jamal Hartnett"),
            (ado.Attribute(EventAttributes.Title), ado.Attribute(EventAttributes.Change), ado.Attribute(EventAttributes.Author)));
        Assert.Equal(("Add invoice export to CSV", "88", "mona", "https://git.example.com/octo-org/billing/pulls/88", "feature"),
            (cd.Attribute(EventAttributes.Title), cd.Attribute(EventAttributes.Change), cd.Attribute(EventAttributes.Author), cd.Attribute(EventAttributes.Url), cd.Attribute(EventAttributes.Labels)));
    }

    [Fact]
    public void Markdown_ChangesFromEverySource_GroupedByKindWithLinksArtifactsAndGates()
    {
        var md = ReleaseNotes.Markdown(Record(), Deliveries(), [new TimelineEntry(1, Received, ReleasePhase.Planning, "approval", "plan approved by po@example.com")]);

        var features = md.IndexOf("### Features", StringComparison.Ordinal);
        var fixes = md.IndexOf("### Fixes", StringComparison.Ordinal);
        var other = md.IndexOf("### Other changes", StringComparison.Ordinal);
        Assert.True(features > 0 && fixes > features && other > fixes, md);
        Assert.Contains("- #88 [Add invoice export to CSV](https://git.example.com/octo-org/billing/pulls/88) by mona (feature)", md, StringComparison.Ordinal);
        Assert.Contains("- #1347 [Fix rounding in invoices](https://github.com/octo-org/octo-repo/pull/1347) by octocat (bug, billing)", md, StringComparison.Ordinal);
        Assert.Contains("- #1 [my first pull request](", md, StringComparison.Ordinal);
        Assert.Contains("version 3.1.0", md, StringComparison.Ordinal);
        Assert.Contains("security-scan: **Waived** (waived by rm@example.com: false positive)", md, StringComparison.Ordinal);
        Assert.Contains("plan approved by po@example.com", md, StringComparison.Ordinal);
        Assert.Contains("July \\<release\\>", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_OnlyDeploymentsNameAnArtifact_ListsItOnceAcrossEnvironments()
    {
        var prod = Normalize(EventSources.CDEvents, "cdevents/service-deployed.json");
        var staging = prod with { EventId = prod.EventId + "-staging", Environment = "staging", OccurredAt = prod.OccurredAt.AddHours(-2) };
        Assert.NotNull(prod.System);

        var md = ReleaseNotes.Markdown(Record(), [staging, prod], []);

        var section = md[md.IndexOf("## Artifacts and versions", StringComparison.Ordinal)..md.IndexOf("## Deployments", StringComparison.Ordinal)];
        Assert.DoesNotContain("None reported", section, StringComparison.Ordinal);
        var line = Assert.Single(section.Split('\n'), l => l.StartsWith("- ", StringComparison.Ordinal));
        Assert.Equal($"- {prod.System}: `pkg:oci/billing@sha256%3A0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427` version -", line);
    }

    [Fact]
    public void Artifacts_PublishedAndDeployedTheSameVersion_OneEntryNamingEachSystem()
    {
        var published = Normalize(EventSources.CDEvents, "cdevents/artifact-published.json");
        var deployed = Normalize(EventSources.CDEvents, "cdevents/service-deployed.json") with
        {
            System = "Invoicing",
            Attributes = new Dictionary<string, string>(published.Attributes) { [EventAttributes.SourceType] = "dev.cdevents.service.deployed.0.2.0" },
        };
        var other = Normalize(EventSources.CDEvents, "cdevents/service-deployed.json");

        var artifacts = ReleaseNotes.Artifacts([published, deployed, other, deployed]);

        Assert.Equal(
            [
                (string.Join(", ", new[] { published.System, "Invoicing" }.OfType<string>()), published.Attribute(EventAttributes.Artifact)!, "3.1.0"),
                (other.System ?? "-", other.Attribute(EventAttributes.Artifact)!, other.Attribute(EventAttributes.Version) ?? "-"),
            ],
            artifacts);
    }

    [Fact]
    public async Task Handler_FormatAndAccept_MarkdownOrEscapedHtml()
    {
        var handler = new ReleaseNotesHandlers(new OneRelease(Record()), new StoredEvents(Received, Deliveries()));

        var markdown = Assert.IsType<ContentHttpResult>(await handler.GetAsync("2025.07", Request(null, "text/markdown"), TestContext.Current.CancellationToken));
        var html = Assert.IsType<ContentHttpResult>(await handler.GetAsync("2025.07", Request(null, "text/html,application/xhtml+xml;q=0.9"), TestContext.Current.CancellationToken));
        var forced = Assert.IsType<ContentHttpResult>(await handler.GetAsync("2025.07", Request("html", "text/markdown"), TestContext.Current.CancellationToken));
        var unknown = await handler.GetAsync("nope", Request(null, null), TestContext.Current.CancellationToken);

        Assert.StartsWith("text/markdown", markdown.ContentType, StringComparison.Ordinal);
        Assert.StartsWith("# Release notes", markdown.ResponseContent, StringComparison.Ordinal);
        Assert.StartsWith("text/html", html.ContentType, StringComparison.Ordinal);
        Assert.Contains("<h3 id=\"features\">Features</h3>", html.ResponseContent, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://github.com/octo-org/octo-repo/pull/1347\">Fix rounding in invoices</a>", html.ResponseContent, StringComparison.Ordinal);
        Assert.Contains("July &lt;release&gt;", html.ResponseContent, StringComparison.Ordinal);
        Assert.StartsWith("text/html", forced.ContentType, StringComparison.Ordinal);
        Assert.Equal(StatusCodes.Status404NotFound, Assert.IsType<ProblemHttpResult>(unknown).StatusCode);
    }

    private static HttpRequest Request(string? format, string? accept)
    {
        var context = new DefaultHttpContext();
        if (format is not null)
        {
            context.Request.QueryString = new QueryString("?format=" + format);
        }

        if (accept is not null)
        {
            context.Request.Headers.Accept = accept;
        }

        return context.Request;
    }
}
