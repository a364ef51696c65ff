using System.Text.Json;

namespace ReleaseManagement.Events;

/// <summary>
/// GitHub webhooks (type in <c>X-GitHub-Event</c>, id in <c>X-GitHub-Delivery</c>):
/// workflow_run completed → PipelineRunFinished; check_suite completed → TestSuiteRunFinished; deployment_status
/// success/failure/error → ServiceDeployed (ServiceRolledBack for a rollback task or payload); pull_request closed and
/// merged → ChangeMerged; release published → ArtifactPublished; ping, deployment (created: the outcome follows as a
/// deployment_status), other actions and types → ignored.
/// </summary>
public sealed class GitHubNormalizer(ReleaseCorrelator correlator) : IEventNormalizer
{
    public string Source => EventSources.GitHub;

    public NormalizationResult Normalize(InboundDelivery delivery)
    {
        var type = delivery.EventTypeHeader?.Trim();
        var id = delivery.DeliveryIdHeader?.Trim();
        if (string.IsNullOrEmpty(type))
        {
            return NormalizationResult.Malformed($"The {GitHubSignature.EventHeader} header is missing.", id);
        }

        using var doc = JsonRead.ParseObject(delivery.Body, out var error);
        if (doc is null)
        {
            return NormalizationResult.Malformed(error!, id, type);
        }

        var root = doc.RootElement;
        var action = root.Str("action");
        var repository = root.Str("repository", "name");
        var attributes = new AttributeBag()
            .Add(EventAttributes.SourceType, action is null ? type : $"{type}.{action}")
            .Add(EventAttributes.Repository, root.Str("repository", "full_name"));

        switch (type)
        {
            case "ping":
                return NormalizationResult.Ignore(id, type, "ping: the hook is set up.");

            case "workflow_run":
            {
                if (action != "completed")
                {
                    return NormalizationResult.Ignore(id, type, $"workflow_run.{action}: only completed runs are used.");
                }

                var run = root.Get("workflow_run");
                if (run is not { } r)
                {
                    return NormalizationResult.Malformed("workflow_run is missing.", id, type);
                }

                if (CanonicalValues.Outcome(r.Str("conclusion")) is not { } outcome)
                {
                    return NormalizationResult.Ignore(id, type, $"workflow_run concluded '{r.Str("conclusion")}': not a final outcome we use.");
                }

                var branch = r.Str("head_branch");
                attributes.Add(EventAttributes.Pipeline, r.Str("name") ?? root.Str("workflow", "name"))
                    .Add(EventAttributes.Run, r.Str("id")).Add(EventAttributes.Url, r.Str("html_url"))
                    .Add(EventAttributes.Branch, branch).Add(EventAttributes.Commit, r.Str("head_sha"));
                return Accept(id!, type, CanonicalEventType.PipelineRunFinished, r.Date("updated_at") ?? delivery.ReceivedAt,
                    new CorrelationHints(Branches: [branch]), repository, null, outcome, attributes);
            }

            case "check_suite":
            {
                if (action != "completed")
                {
                    return NormalizationResult.Ignore(id, type, $"check_suite.{action}: only completed suites are used.");
                }

                var suite = root.Get("check_suite");
                if (suite is not { } s)
                {
                    return NormalizationResult.Malformed("check_suite is missing.", id, type);
                }

                if (CanonicalValues.Outcome(s.Str("conclusion")) is not { } outcome)
                {
                    return NormalizationResult.Ignore(id, type, $"check_suite concluded '{s.Str("conclusion")}': not a final outcome we use.");
                }

                var branch = s.Str("head_branch");
                attributes.Add(EventAttributes.Pipeline, s.Str("app", "name")).Add(EventAttributes.Run, s.Str("id"))
                    .Add(EventAttributes.Branch, branch).Add(EventAttributes.Commit, s.Str("head_sha"));
                return Accept(id!, type, CanonicalEventType.TestSuiteRunFinished, s.Date("updated_at") ?? delivery.ReceivedAt,
                    new CorrelationHints(Branches: [branch]), repository, null, outcome, attributes);
            }

            case "deployment":
                return NormalizationResult.Ignore(id, type, "deployment requested: its outcome arrives as deployment_status.");

            case "deployment_status":
            {
                var status = root.Get("deployment_status");
                var deployment = root.Get("deployment");
                if (status is not { } st || deployment is not { } d)
                {
                    return NormalizationResult.Malformed("deployment_status or deployment is missing.", id, type);
                }

                var state = st.Str("state");
                if (CanonicalValues.Outcome(state) is not { } outcome)
                {
                    return NormalizationResult.Ignore(id, type, $"deployment_status '{state}': only final states are used.");
                }

                var payload = DeploymentPayload(d);
                var rollback = (d.Str("task")?.Contains("rollback", StringComparison.OrdinalIgnoreCase) ?? false)
                    || (payload?.Bool("rollback") ?? false);
                var gitRef = d.Str("ref");
                attributes.Add(EventAttributes.Url, st.Str("target_url") ?? st.Str("log_url"))
                    .Add(EventAttributes.Commit, d.Str("sha")).Add(EventAttributes.Branch, gitRef)
                    .Add(EventAttributes.Version, payload?.Str("version")).Add(EventAttributes.Run, d.Str("id"))
                    .Add(EventAttributes.Step, payload?.Str("step")).Add(EventAttributes.Baseline, payload?.Str("baseline"));
                var hints = new CorrelationHints(
                    payload?.Str("releaseId") ?? payload?.Str("release_id"), [gitRef], gitRef, payload?.Str("version"));
                return Accept(id!, type, rollback ? CanonicalEventType.ServiceRolledBack : CanonicalEventType.ServiceDeployed,
                    st.Date("updated_at") ?? st.Date("created_at") ?? delivery.ReceivedAt, hints,
                    payload?.Str("system") ?? repository, CanonicalValues.Environment(st.Str("environment") ?? d.Str("environment")), outcome, attributes);
            }

            case "pull_request":
            {
                var pr = root.Get("pull_request");
                if (pr is not { } p)
                {
                    return NormalizationResult.Malformed("pull_request is missing.", id, type);
                }

                if (action != "closed" || p.Bool("merged") != true)
                {
                    return NormalizationResult.Ignore(id, type, $"pull_request.{action}: only merged pull requests are used.");
                }

                var target = p.Str("base", "ref");
                attributes.Add(EventAttributes.Change, p.Str("number")).Add(EventAttributes.Url, p.Str("html_url"))
                    .Add(EventAttributes.Branch, target).Add(EventAttributes.Commit, p.Str("merge_commit_sha"))
                    .Add(EventAttributes.Title, p.Str("title")).Add(EventAttributes.Author, p.Str("user", "login"))
                    .Add(EventAttributes.Labels, JsonRead.Labels(p.Items("labels")));
                return Accept(id!, type, CanonicalEventType.ChangeMerged, p.Date("merged_at") ?? delivery.ReceivedAt,
                    new CorrelationHints(Branches: [target, p.Str("head", "ref")]), repository, null, EventOutcomes.Success, attributes);
            }

            case "release":
            {
                var release = root.Get("release");
                if (release is not { } r)
                {
                    return NormalizationResult.Malformed("release is missing.", id, type);
                }

                if (action != "published")
                {
                    return NormalizationResult.Ignore(id, type, $"release.{action}: only published releases are used.");
                }

                var tag = r.Str("tag_name");
                attributes.Add(EventAttributes.Version, tag).Add(EventAttributes.Url, r.Str("html_url"))
                    .Add(EventAttributes.Artifact, r.Str("name"));
                return Accept(id!, type, CanonicalEventType.ArtifactPublished, r.Date("published_at") ?? delivery.ReceivedAt,
                    new CorrelationHints(Branches: [r.Str("target_commitish")], Tag: tag, Version: tag), repository, null, EventOutcomes.Success, attributes);
            }

            default:
                return NormalizationResult.Ignore(id, type, $"GitHub event '{type}' is not used.");
        }
    }

    private NormalizationResult Accept(
        string deliveryId, string type, CanonicalEventType canonical, DateTimeOffset at, CorrelationHints hints,
        string? system, string? environment, string? outcome, AttributeBag attributes) =>
        correlator.Accept(Source, deliveryId, type, canonical, at, hints, system, environment, outcome, attributes);

    /// <summary>A deployment's payload: an object, or a string holding one (the REST API accepts both).</summary>
    private static JsonElement? DeploymentPayload(JsonElement deployment)
    {
        var payload = deployment.Get("payload");
        if (payload is { ValueKind: JsonValueKind.String } text)
        {
            try
            {
                using var doc = JsonDocument.Parse(text.GetString()!);
                return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return payload is { ValueKind: JsonValueKind.Object } ? payload : null;
    }
}
