using System.Text.Json;

namespace ReleaseManagement.Events;

/// <summary>
/// Azure DevOps service hooks (envelope <c>{ id, eventType, createdDate, resource }</c>; <c>id</c> is the event id):
/// build.complete and ms.vss-pipelines.run-state-changed-event (completed) → PipelineRunFinished;
/// ms.vss-release.deployment-completed-event → ServiceDeployed; ms.vss-pipelines.stage-state-changed-event (a completed
/// stage whose name names an environment) → ServiceDeployed, or ServiceRolledBack when it names a rollback;
/// git.pullrequest.merged (merge succeeded) → ChangeMerged. Explicit release ids come from a pipeline variable
/// <c>releaseId</c> or a tag <c>release:&lt;id&gt;</c>.
/// Each event is read in every resource version Azure DevOps documents for it (docs/pipeline-events.md, "Azure DevOps
/// resource versions"): build.complete 1.0 carries the outcome in <c>status</c> and the branch and commit in
/// <c>sourceGetVersion</c>, 2.0 has <c>status: completed</c>, <c>result</c>, <c>sourceBranch</c> and <c>sourceVersion</c>;
/// a deployment-completed event names its environment and status on <c>resource.environment</c> or on
/// <c>resource.deployment</c>; a pipeline run or stage event names its pipeline on the resource or on the run.
/// </summary>
public sealed class AzureDevOpsNormalizer(ReleaseCorrelator correlator) : IEventNormalizer
{
    public const string ReleaseVariable = "releaseId";

    /// <summary>The release variable naming the production step a deployment ran (docs/deployment-strategies.md).</summary>
    public const string StepVariable = "releaseStep";

    /// <summary>The release variable naming the version a production step's analysis compares with.</summary>
    public const string BaselineVariable = "releaseBaseline";
    public const string ReleaseTagPrefix = "release:";

    public string Source => EventSources.AzureDevOps;

    public NormalizationResult Normalize(InboundDelivery delivery)
    {
        using var doc = JsonRead.ParseObject(delivery.Body, out var error);
        if (doc is null)
        {
            return NormalizationResult.Malformed(error!);
        }

        var root = doc.RootElement;
        var id = root.Str("id");
        var type = root.Str("eventType");
        if (id is null || type is null)
        {
            return NormalizationResult.Malformed("A service hook event has an 'id' and an 'eventType'.", id, type);
        }

        var resource = root.Get("resource");
        var createdAt = root.Date("createdDate") ?? delivery.ReceivedAt;
        var attributes = new AttributeBag().Add(EventAttributes.SourceType, type);
        if (resource is not { ValueKind: JsonValueKind.Object } r)
        {
            return KnownTypes.Contains(type)
                ? NormalizationResult.Malformed($"{type} has no 'resource' object.", id, type)
                : NormalizationResult.Ignore(id, type, $"Azure DevOps event '{type}' is not used.");
        }

        switch (type)
        {
            case "build.complete":
            {
                // 2.0: status 'completed' and the outcome in 'result'; 1.0: no 'result', the outcome is the status itself
                // (succeeded, partiallySucceeded, failed, stopped). Any other status (inProgress, notStarted, cancelling) is not final.
                var result = r.Str("result");
                if (CanonicalValues.Outcome(result ?? r.Str("status")) is not { } outcome)
                {
                    return NormalizationResult.Ignore(id, type, result is null
                        ? $"build status '{r.Str("status")}' is not final."
                        : $"build result '{result}' is not final.");
                }

                var (getRef, getCommit) = SourceGetVersion(r.Str("sourceGetVersion"));
                var branch = r.Str("sourceBranch") ?? getRef;
                attributes.Add(EventAttributes.Pipeline, r.Str("definition", "name")).Add(EventAttributes.Run, r.Str("buildNumber") ?? r.Str("id"))
                    .Add(EventAttributes.Url, r.Str("_links", "web", "href") ?? r.Str("url")).Add(EventAttributes.Branch, branch)
                    .Add(EventAttributes.Commit, r.Str("sourceVersion") ?? getCommit);
                var hints = new CorrelationHints(
                    BuildVariable(r) ?? TagReleaseId(r.Items("tags")), [branch], branch, r.Str("buildNumber"));
                return Accept(id, type, CanonicalEventType.PipelineRunFinished, r.Date("finishTime") ?? createdAt, hints,
                    r.Str("repository", "name") ?? r.Str("definition", "name"), null, outcome, attributes);
            }

            case "ms.vss-pipelines.run-state-changed-event":
            {
                var run = r.Get("run") ?? r;
                if (!string.Equals(run.Str("state"), "completed", StringComparison.OrdinalIgnoreCase))
                {
                    return NormalizationResult.Ignore(id, type, $"run state '{run.Str("state")}': only completed runs are used.");
                }

                if (CanonicalValues.Outcome(run.Str("result")) is not { } outcome)
                {
                    return NormalizationResult.Ignore(id, type, $"run result '{run.Str("result")}' is not final.");
                }

                var branch = run.Str("resources", "repositories", "self", "refName");
                var pipeline = r.Str("pipeline", "name") ?? run.Str("pipeline", "name");
                attributes.Add(EventAttributes.Pipeline, pipeline)
                    .Add(EventAttributes.Run, run.Str("name") ?? run.Str("id") ?? r.Str("runId"))
                    .Add(EventAttributes.Url, run.Str("_links", "web", "href") ?? run.Str("url"))
                    .Add(EventAttributes.Branch, branch).Add(EventAttributes.Commit, run.Str("resources", "repositories", "self", "version"));
                var hints = new CorrelationHints(RunVariable(run), [branch], branch, run.Str("name"));
                return Accept(id, type, CanonicalEventType.PipelineRunFinished, run.Date("finishedDate") ?? createdAt, hints,
                    pipeline, null, outcome, attributes);
            }

            case "ms.vss-pipelines.stage-state-changed-event":
            {
                var stage = r.Get("stage");
                if (stage is not { } s)
                {
                    return NormalizationResult.Malformed("stage-state-changed has no 'stage'.", id, type);
                }

                if (!string.Equals(s.Str("state"), "completed", StringComparison.OrdinalIgnoreCase))
                {
                    return NormalizationResult.Ignore(id, type, $"stage state '{s.Str("state")}': only completed stages are used.");
                }

                var stageName = s.Str("name") ?? s.Str("displayName");
                var environment = CanonicalValues.EnvironmentIn(stageName) ?? CanonicalValues.EnvironmentIn(s.Str("displayName"));
                if (environment is null)
                {
                    return NormalizationResult.Ignore(id, type, $"stage '{stageName}' names no environment: not a deployment.");
                }

                if (CanonicalValues.Outcome(s.Str("result")) is not { } outcome)
                {
                    return NormalizationResult.Ignore(id, type, $"stage result '{s.Str("result")}' is not final.");
                }

                var run = r.Get("run");
                var branch = run?.Str("resources", "repositories", "self", "refName");
                var rollback = (stageName?.Contains("rollback", StringComparison.OrdinalIgnoreCase) ?? false)
                    || (s.Str("displayName")?.Contains("rollback", StringComparison.OrdinalIgnoreCase) ?? false);
                var pipeline = r.Str("pipeline", "name") ?? run?.Str("pipeline", "name");
                attributes.Add(EventAttributes.Pipeline, pipeline).Add(EventAttributes.Run, run?.Str("name") ?? r.Str("runId"))
                    .Add("stage", stageName).Add(EventAttributes.Url, r.Str("stageUrl") ?? s.Str("_links", "web", "href") ?? r.Str("runUrl"))
                    .Add(EventAttributes.Branch, branch);
                var hints = new CorrelationHints(run is { } rv ? RunVariable(rv) : null, [branch], branch, run?.Str("name"));
                return Accept(id, type, rollback ? CanonicalEventType.ServiceRolledBack : CanonicalEventType.ServiceDeployed,
                    s.Date("finishTime") ?? createdAt, hints, pipeline, environment, outcome, attributes);
            }

            case "ms.vss-release.deployment-completed-event":
            {
                // The environment and the status are on 'resource.environment' (3.0-preview.1), on the deployment
                // ('releaseEnvironment' and 'deploymentStatus', as the Release API names them), or both on the deployment
                // as 'environment' and 'status' (the sample the service hooks reference shows now).
                var deployment = r.Get("deployment");
                var environment = r.Get("environment") ?? deployment?.Get("releaseEnvironment") ?? deployment?.Get("environment");
                if (environment is not { } e)
                {
                    return NormalizationResult.Malformed("deployment-completed has no 'environment' (nor 'deployment.environment').", id, type);
                }

                var status = e.Str("status") ?? deployment?.Str("deploymentStatus") ?? deployment?.Str("status");
                if (CanonicalValues.Outcome(status) is not { } outcome)
                {
                    return NormalizationResult.Ignore(id, type, $"deployment status '{status}' is not final.");
                }

                var release = deployment?.Get("release") ?? e.Get("release");
                var artifact = release?.Items("artifacts").FirstOrDefault(a => a.Bool("isPrimary") == true);
                if (artifact is { ValueKind: JsonValueKind.Undefined })
                {
                    artifact = release?.Items("artifacts").FirstOrDefault();
                }

                var version = artifact is { ValueKind: JsonValueKind.Object } a ? a.Str("definitionReference", "version", "name") : null;
                var branch = artifact is { ValueKind: JsonValueKind.Object } b ? b.Str("definitionReference", "branch", "name") : null;
                var explicitId = e.Str("variables", ReleaseVariable, "value") ?? release?.Str("variables", ReleaseVariable, "value")
                    ?? TagReleaseId(release?.Items("tags") ?? []);
                var rollback = e.Str("name")?.Contains("rollback", StringComparison.OrdinalIgnoreCase) ?? false;
                var definition = e.Str("releaseDefinition", "name") ?? release?.Str("releaseDefinition", "name");
                attributes.Add(EventAttributes.Pipeline, definition)
                    .Add(EventAttributes.Run, release?.Str("name")).Add(EventAttributes.Url, r.Str("url") ?? release?.Str("_links", "web", "href") ?? release?.Str("url"))
                    .Add(EventAttributes.Version, version).Add(EventAttributes.Branch, branch).Add("stage", e.Str("name"))
                    .Add(EventAttributes.Step, e.Str("variables", StepVariable, "value") ?? release?.Str("variables", StepVariable, "value"))
                    .Add(EventAttributes.Baseline, e.Str("variables", BaselineVariable, "value") ?? release?.Str("variables", BaselineVariable, "value"));
                return Accept(id, type, rollback ? CanonicalEventType.ServiceRolledBack : CanonicalEventType.ServiceDeployed,
                    deployment?.Date("completedOn") ?? createdAt, new CorrelationHints(explicitId, [branch], branch, version),
                    definition ?? r.Str("project", "name") ?? release?.Str("project", "name"),
                    CanonicalValues.EnvironmentIn(e.Str("name")) ?? CanonicalValues.Environment(e.Str("name")), outcome, attributes);
            }

            case "git.pullrequest.merged":
            {
                var mergeStatus = r.Str("mergeStatus");
                if (mergeStatus is not null && !string.Equals(mergeStatus, "succeeded", StringComparison.OrdinalIgnoreCase))
                {
                    return NormalizationResult.Ignore(id, type, $"merge status '{mergeStatus}': only succeeded merges are used.");
                }

                var target = r.Str("targetRefName");
                attributes.Add(EventAttributes.Change, r.Str("pullRequestId")).Add(EventAttributes.Url, r.Str("_links", "web", "href") ?? r.Str("url"))
                    .Add(EventAttributes.Branch, target).Add(EventAttributes.Commit, r.Str("lastMergeCommit", "commitId"))
                    .Add(EventAttributes.Title, r.Str("title")).Add(EventAttributes.Author, r.Str("createdBy", "displayName") ?? r.Str("createdBy", "uniqueName"))
                    .Add(EventAttributes.Labels, JsonRead.Labels(r.Items("labels")));
                return Accept(id, type, CanonicalEventType.ChangeMerged, r.Date("closedDate") ?? createdAt,
                    new CorrelationHints(TagReleaseId(r.Items("labels").Select(l => l.Get("name") ?? l)), [target, r.Str("sourceRefName")]),
                    r.Str("repository", "name"), null, EventOutcomes.Success, attributes);
            }

            default:
                return NormalizationResult.Ignore(id, type, $"Azure DevOps event '{type}' is not used.");
        }
    }

    private static readonly HashSet<string> KnownTypes = new(StringComparer.Ordinal)
    {
        "build.complete", "ms.vss-pipelines.run-state-changed-event", "ms.vss-pipelines.stage-state-changed-event",
        "ms.vss-release.deployment-completed-event", "git.pullrequest.merged",
    };

    private NormalizationResult Accept(
        string deliveryId, string type, CanonicalEventType canonical, DateTimeOffset at, CorrelationHints hints,
        string? system, string? environment, string? outcome, AttributeBag attributes) =>
        correlator.Accept(Source, deliveryId, type, canonical, at, hints, system, environment, outcome, attributes);

    /// <summary>A queue-time variable of a build: <c>parameters</c> is a JSON object serialized in a string.</summary>
    private static string? BuildVariable(JsonElement build)
    {
        if (build.Str("templateParameters", ReleaseVariable) is { } fromTemplate)
        {
            return fromTemplate;
        }

        if (build.Str("parameters") is not { } text)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.Str(ReleaseVariable);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The branch and commit of a build 1.0 <c>sourceGetVersion</c>: <c>LG:&lt;ref&gt;:&lt;commit&gt;</c> for Git; anything
    /// else (a TFVC changeset <c>C42</c>) gives neither.
    /// </summary>
    private static (string? Ref, string? Commit) SourceGetVersion(string? value)
    {
        if (value is null || !value.StartsWith("LG:", StringComparison.OrdinalIgnoreCase))
        {
            return (null, null);
        }

        var rest = value[3..];
        var last = rest.LastIndexOf(':');
        return last <= 0 ? (rest, null) : (rest[..last], rest[(last + 1)..] is { Length: > 0 } commit ? commit : null);
    }

    private static string? RunVariable(JsonElement run) =>
        run.Str("variables", ReleaseVariable, "value") ?? run.Str("templateParameters", ReleaseVariable);

    private static string? TagReleaseId(IEnumerable<JsonElement> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.ValueKind == JsonValueKind.String && tag.GetString() is { } t && t.StartsWith(ReleaseTagPrefix, StringComparison.OrdinalIgnoreCase))
            {
                return t[ReleaseTagPrefix.Length..].Trim();
            }
        }

        return null;
    }
}
