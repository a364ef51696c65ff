using System.Net.Mime;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace ReleaseManagement.Events;

/// <summary>
/// CDEvents 0.4 in a CloudEvents 1.0 structured-mode envelope (parsed with the CloudNative.CloudEvents SDK); the CloudEvent's
/// <c>data</c> is the CDEvent (<c>context</c>, <c>subject</c>, <c>customData</c>). The event id is <c>context.id</c>, the release
/// is <c>customData.releaseId</c>. Types (any 0.x version): pipelinerun.finished, testsuiterun.finished, artifact.published,
/// service.deployed / upgraded, service.rolledback, change.merged, incident.detected / reported, incident.resolved, and our
/// own <c>dev.cdeventsx.releasefunctions-milestone.reached</c> and <c>-gate.evidence</c>; any other type is ignored.
/// </summary>
public sealed class CDEventsNormalizer(ReleaseCorrelator correlator) : IEventNormalizer
{
    public const string MilestoneType = "dev.cdeventsx.releasefunctions-milestone.reached";
    public const string GateEvidenceType = "dev.cdeventsx.releasefunctions-gate.evidence";

    private static readonly ContentType StructuredJson = new("application/cloudevents+json");
    private static readonly JsonEventFormatter Formatter = new();

    private static readonly (string Prefix, CanonicalEventType Type)[] Types =
    [
        ("dev.cdevents.pipelinerun.finished.", CanonicalEventType.PipelineRunFinished),
        ("dev.cdevents.testsuiterun.finished.", CanonicalEventType.TestSuiteRunFinished),
        ("dev.cdevents.artifact.published.", CanonicalEventType.ArtifactPublished),
        ("dev.cdevents.service.deployed.", CanonicalEventType.ServiceDeployed),
        ("dev.cdevents.service.upgraded.", CanonicalEventType.ServiceDeployed),
        ("dev.cdevents.service.rolledback.", CanonicalEventType.ServiceRolledBack),
        ("dev.cdevents.change.merged.", CanonicalEventType.ChangeMerged),
        ("dev.cdevents.incident.detected.", CanonicalEventType.IncidentDetected),
        ("dev.cdevents.incident.reported.", CanonicalEventType.IncidentDetected),
        ("dev.cdevents.incident.resolved.", CanonicalEventType.IncidentResolved),
        (MilestoneType + ".", CanonicalEventType.MilestoneReached),
        (GateEvidenceType + ".", CanonicalEventType.GateEvidence),
    ];

    public string Source => EventSources.CDEvents;

    public NormalizationResult Normalize(InboundDelivery delivery)
    {
        CloudEvent cloudEvent;
        try
        {
            cloudEvent = Formatter.DecodeStructuredModeMessage(delivery.Body, StructuredJson, null);
        }
        catch (Exception e) when (e is ArgumentException or JsonException or FormatException or InvalidOperationException)
        {
            return NormalizationResult.Malformed($"The body is not a CloudEvents 1.0 JSON event: {e.Message}");
        }

        if (!cloudEvent.IsValid)
        {
            return NormalizationResult.Malformed("The CloudEvent lacks a required attribute (id, source, type, specversion).", cloudEvent.Id, cloudEvent.Type);
        }

        using var doc = DataDocument(cloudEvent.Data);
        if (doc is null)
        {
            return NormalizationResult.Malformed("The CloudEvent's data is not a CDEvent JSON object.", cloudEvent.Id, cloudEvent.Type);
        }

        var root = doc.RootElement;
        var id = root.Str("context", "id") ?? cloudEvent.Id;
        var type = root.Str("context", "type") ?? cloudEvent.Type;
        if (root.Get("context") is null || root.Get("subject") is null || type is null)
        {
            return NormalizationResult.Malformed("A CDEvent has a 'context' (id, type) and a 'subject'.", id, type);
        }

        if (!type.StartsWith("dev.cdevents", StringComparison.Ordinal))
        {
            return NormalizationResult.Ignore(id, type, $"'{type}' is not a CDEvents type.");
        }

        var canonical = Types.Where(t => type.StartsWith(t.Prefix, StringComparison.Ordinal) && type[t.Prefix.Length..].StartsWith("0.", StringComparison.Ordinal))
            .Select(t => (CanonicalEventType?)t.Type).FirstOrDefault();
        if (canonical is not { } canonicalType)
        {
            return NormalizationResult.Ignore(id, type, $"CDEvents type '{type}' is not used.");
        }

        var subject = root.Get("subject")!.Value;
        var content = subject.Get("content") ?? default;
        var custom = root.Get("customData") is { ValueKind: JsonValueKind.Object } c ? c : default;
        var outcomeText = content.Str("outcome") ?? content.Str("status") ?? custom.Str("outcome");
        var outcome = CanonicalValues.Outcome(outcomeText);
        if (canonicalType is CanonicalEventType.PipelineRunFinished or CanonicalEventType.TestSuiteRunFinished && outcome is null)
        {
            return NormalizationResult.Ignore(id, type, $"outcome '{outcomeText}' is not final.");
        }

        outcome ??= canonicalType is CanonicalEventType.ServiceDeployed or CanonicalEventType.ServiceRolledBack
            or CanonicalEventType.ArtifactPublished or CanonicalEventType.ChangeMerged ? EventOutcomes.Success : null;

        var artifactId = canonicalType == CanonicalEventType.ArtifactPublished ? subject.Str("id") : content.Str("artifactId");
        var version = custom.Str("version") ?? PurlVersion(artifactId);
        var attributes = new AttributeBag()
            .Add(EventAttributes.SourceType, type)
            .Add(EventAttributes.Url, content.Str("url") ?? content.Str("ticketURI") ?? custom.Str("url"))
            .Add(EventAttributes.Pipeline, content.Str("pipelineName"))
            .Add(EventAttributes.Run, subject.Str("id"))
            .Add(EventAttributes.Artifact, artifactId)
            .Add(EventAttributes.Version, version)
            .Add(EventAttributes.Repository, content.Str("repository", "id"))
            .Add(EventAttributes.Reason, content.Str("reason") ?? content.Str("errors") ?? content.Str("description"))
            .Add(EventAttributes.Step, custom.Str("step"))
            .Add(EventAttributes.Baseline, custom.Str("baseline"))
            .Add(EventAttributes.TestsPassed, custom.Str("passed") ?? custom.Str("tests", "passed"))
            .Add(EventAttributes.TestsFailed, custom.Str("failed") ?? custom.Str("tests", "failed"))
            .Add(EventAttributes.Coverage, custom.Str("coverage") ?? custom.Str("tests", "coverage"))
            .Add(EventAttributes.Severity, content.Str("severity") ?? custom.Str("severity"))
            .Add(EventAttributes.Incident, canonicalType is CanonicalEventType.IncidentDetected or CanonicalEventType.IncidentResolved ? subject.Str("id") : null)
            .Add(EventAttributes.Milestone, content.Str("milestone"))
            .Add(EventAttributes.GateItem, content.Str("item"))
            .Add(EventAttributes.Value, content.Str("value"))
            .Add(EventAttributes.Attestation, content.Str("attestation"))
            .Add(EventAttributes.Branch, custom.Str("branch"))
            .Add(EventAttributes.Commit, custom.Str("commit"))
            .Add(EventAttributes.Change, canonicalType == CanonicalEventType.ChangeMerged ? custom.Str("number") ?? subject.Str("id") : null)
            .Add(EventAttributes.Title, content.Str("title") ?? custom.Str("title"))
            .Add(EventAttributes.Author, content.Str("author") ?? custom.Str("author"))
            .Add(EventAttributes.Labels, JsonRead.Labels(custom.Items("labels")));
        if (canonicalType == CanonicalEventType.GateEvidence && content.Get("settings") is { ValueKind: JsonValueKind.Object } settings)
        {
            // A reported environment configuration (gate item environment-configuration): each setting as a string.
            // Secret settings should be sent as sha256:<hex>; they are compared by hash and never shown either way.
            foreach (var setting in settings.EnumerateObject())
            {
                attributes.Add(EventAttributes.SettingPrefix + setting.Name, setting.Value.ValueKind == JsonValueKind.String ? setting.Value.GetString() : setting.Value.GetRawText());
            }
        }

        var hints = new CorrelationHints(custom.Str("releaseId"), [custom.Str("branch")], custom.Str("tag"), version);
        var environment = CanonicalValues.Environment(content.Str("environment", "id") ?? custom.Str("environment"));
        var at = root.Date("context", "timestamp") ?? cloudEvent.Time?.ToUniversalTime() ?? delivery.ReceivedAt;
        var system = custom.Str("system") ?? content.Str("service", "id") ?? PurlName(artifactId);
        return correlator.Accept(Source, id!, type, canonicalType, at, hints, system, environment, outcome, attributes);
    }

    private static JsonDocument? DataDocument(object? data)
    {
        try
        {
            var doc = data switch
            {
                JsonElement { ValueKind: JsonValueKind.Object } e => JsonDocument.Parse(e.GetRawText()),
                byte[] bytes => JsonDocument.Parse(bytes),
                string text => JsonDocument.Parse(text),
                _ => null,
            };
            if (doc is { RootElement.ValueKind: not JsonValueKind.Object })
            {
                doc.Dispose();
                return null;
            }

            return doc;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The version of a package URL (<c>pkg:type/ns/name@version?qualifiers</c>) unless it is a digest.</summary>
    internal static string? PurlVersion(string? purl)
    {
        if (purl is null || !purl.StartsWith("pkg:", StringComparison.Ordinal) || purl.LastIndexOf('@') is var at && at < 0)
        {
            return null;
        }

        var version = Uri.UnescapeDataString(purl[(at + 1)..].Split('?', '#')[0]);
        return version.Length == 0 || version.StartsWith("sha256:", StringComparison.Ordinal) ? null : version;
    }

    internal static string? PurlName(string? purl)
    {
        if (purl is null || !purl.StartsWith("pkg:", StringComparison.Ordinal))
        {
            return null;
        }

        var path = purl[4..].Split('@', '?', '#')[0];
        var slash = path.LastIndexOf('/');
        return slash < 0 ? null : Uri.UnescapeDataString(path[(slash + 1)..]);
    }
}
