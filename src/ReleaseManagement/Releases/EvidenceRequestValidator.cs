using System.Globalization;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Releases;

/// <summary>
/// Validation of manual gate input: a gate item of the policy, a kind that item takes (<see cref="GateItemInputs"/>), the
/// person acting, and only the fields of that kind (a field of another kind is refused rather than silently dropped).
/// Who may attest is checked later, against the release's approvers.
/// </summary>
public static class EvidenceRequestValidator
{
    public static ValidationResult<ManualEvidence> Validate(ReleasePolicy policy, EvidenceBody? body)
    {
        if (body is null)
        {
            return RequestFields.NoBody<ManualEvidence>();
        }

        var errors = new ValidationErrors();
        GateItem? item = null;
        var knownIssue = string.Equals(body.Kind?.Trim(), EvidenceKinds.KnownIssue, StringComparison.OrdinalIgnoreCase);
        if (knownIssue)
        {
            // A known issue belongs to no gate: its item may be left out, or name the known issues' own item.
            if (body.Item is { } named && !string.Equals(named.Trim(), GateItemInputs.KnownIssueItem, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add("item", $"A known issue names no gate item: leave 'item' out (or '{GateItemInputs.KnownIssueItem}').");
            }

            item = GateItemInputs.KnownIssue;
        }
        else if (string.IsNullOrWhiteSpace(body.Item))
        {
            errors.Add("item", "The gate item is required.");
        }
        else if ((item = GateItemInputs.Find(policy, body.Item)) is null)
        {
            errors.Add("item", $"'{body.Item}' is not a gate item: use one of {string.Join(", ", GateItemInputs.Items(policy).Select(i => i.Id))}.");
        }

        var kind = body.Kind?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(kind))
        {
            errors.Add("kind", $"The kind is required: one of {string.Join(", ", EvidenceKinds.All)}.");
            kind = null;
        }
        else if (!EvidenceKinds.All.Contains(kind))
        {
            errors.Add("kind", $"'{body.Kind}' is not a kind of evidence: use one of {string.Join(", ", EvidenceKinds.All)}.");
            kind = null;
        }

        var by = RequestFields.Person(body.By, "by", errors);
        var note = RequestFields.Optional(body.Note, "note", RequestFields.MaxNoteLength, errors);
        string? reason = null;
        if (kind is not null)
        {
            CheckFieldsOfKind(body, kind, errors);
            if (kind == EvidenceKinds.Waiver)
            {
                reason = RequestFields.Required(body.Reason, "reason", "A waiver needs a reason.", RequestFields.MaxReasonLength, errors);
            }

            if (item is not null && !knownIssue)
            {
                CheckKindFitsItem(item, kind, body, errors);
            }
        }

        var environment = EvidenceEnvironment(body, kind, errors);
        var settings = ConfigurationSettings(policy, body, kind, environment, errors);
        var (url, title) = DocumentLink(body, kind, errors);
        return errors.Any
            ? ValidationResult<ManualEvidence>.Failure(errors.ToDictionary())
            : ValidationResult<ManualEvidence>.Success(new ManualEvidence(item!, kind!, by!, body.Approved, body.Passed, body.Value, reason, note)
            {
                Environment = environment,
                Settings = settings,
                Url = url,
                Title = title,
            });
    }

    /// <summary>The environment evidence is about (optional; one of the four, lower case); only evidence names one.</summary>
    private static string? EvidenceEnvironment(EvidenceBody body, string? kind, ValidationErrors errors)
    {
        if (body.Environment is not { } text)
        {
            return null;
        }

        if (kind is not null && kind is not (EvidenceKinds.Evidence or EvidenceKinds.Configuration))
        {
            errors.Add("environment", "'environment' belongs to evidence or a configuration.");
            return null;
        }

        if (!Enum.TryParse<DeploymentEnvironment>(text.Trim(), ignoreCase: true, out var environment) || !Enum.IsDefined(environment) || int.TryParse(text, out _))
        {
            errors.Add("environment", $"'{text}' is not an environment: use one of {string.Join(", ", Enum.GetNames<DeploymentEnvironment>().Select(n => n.ToLowerInvariant()))}.");
            return null;
        }

        return environment.ToString().ToLowerInvariant();
    }

    /// <summary>
    /// A configuration's settings: required (at least one) with the environment they were read from; the environment's
    /// secret settings hashed here, so the secret is never stored, raised or logged. Only a configuration has settings.
    /// </summary>
    private static Dictionary<string, string>? ConfigurationSettings(ReleasePolicy policy, EvidenceBody body, string? kind, string? environment, ValidationErrors errors)
    {
        if (kind != EvidenceKinds.Configuration)
        {
            if (body.Settings is not null && kind is not null)
            {
                errors.Add("settings", "'settings' belong to a configuration.");
            }

            return null;
        }

        if (body.Environment is null)
        {
            errors.Add("environment", "A configuration names the environment it was read from.");
        }

        if (body.Settings is null || body.Settings.Count == 0)
        {
            errors.Add("settings", "A configuration needs its settings: an object of setting name to value.");
            return null;
        }

        var secrets = environment is not null && Enum.TryParse<DeploymentEnvironment>(environment, true, out var env) && policy.Environments.TryGetValue(env, out var standard)
            ? standard.SecretSettings
            : [];
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in body.Settings)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
            {
                errors.Add("settings", "A setting needs a name of at most 100 characters.");
                continue;
            }

            var text = value?.Trim() ?? string.Empty;
            settings[name.Trim()] = secrets.Contains(name.Trim(), StringComparer.OrdinalIgnoreCase) && text.Length > 0 ? SecretHash.Of(text) : text;
        }

        return settings;
    }

    /// <summary>
    /// A document's link (required: an absolute http or https URL, so no javascript:, data: or relative link is ever stored)
    /// and its title (optional). Only a document has them.
    /// </summary>
    private static (string? Url, string? Title) DocumentLink(EvidenceBody body, string? kind, ValidationErrors errors)
    {
        if (kind == EvidenceKinds.KnownIssue)
        {
            // A known issue: a title (required), its description in 'note', and a link (optional, absolute http(s) only).
            var issue = RequestFields.Required(body.Title, "title", "A known issue needs its 'title'.", MaxDocumentTitleLength, errors);
            if (!string.IsNullOrWhiteSpace(body.Url) && !ReleaseDocuments.IsLink(body.Url))
            {
                errors.Add("url", "A known issue's 'url' must be an absolute http or https URL of at most 2000 characters.");
                return (null, issue);
            }

            return (string.IsNullOrWhiteSpace(body.Url) ? null : body.Url.Trim(), issue);
        }

        if (kind != EvidenceKinds.Document)
        {
            if (kind is not null && body.Url is not null)
            {
                errors.Add("url", "'url' belongs to a document or a known issue.");
            }

            if (kind is not null && body.Title is not null)
            {
                errors.Add("title", "'title' belongs to a document or a known issue.");
            }

            return (null, null);
        }

        var title = RequestFields.Optional(body.Title, "title", MaxDocumentTitleLength, errors);
        if (string.IsNullOrWhiteSpace(body.Url))
        {
            errors.Add("url", "A document needs its 'url': an absolute http or https link.");
            return (null, title);
        }

        if (!ReleaseDocuments.IsLink(body.Url))
        {
            errors.Add("url", "A document's 'url' must be an absolute http or https URL of at most 2000 characters.");
            return (null, title);
        }

        return (body.Url.Trim(), title);
    }

    /// <summary>The longest title a document's link may carry.</summary>
    public const int MaxDocumentTitleLength = 200;

    private static void CheckFieldsOfKind(EvidenceBody body, string kind, ValidationErrors errors)
    {
        if (body.Approved is not null && kind != EvidenceKinds.Attestation)
        {
            errors.Add("approved", "'approved' belongs to an attestation.");
        }

        if (body.Passed is not null && kind != EvidenceKinds.Evidence)
        {
            errors.Add("passed", "'passed' belongs to evidence.");
        }

        if (body.Value is not null && kind != EvidenceKinds.Evidence)
        {
            errors.Add("value", "'value' belongs to evidence.");
        }

        if (body.Reason is not null && kind != EvidenceKinds.Waiver)
        {
            errors.Add("reason", "'reason' belongs to a waiver.");
        }
    }

    private static void CheckKindFitsItem(GateItem item, string kind, EvidenceBody body, ValidationErrors errors)
    {
        if (!GateItemInputs.Accepts(item, kind))
        {
            errors.Add("kind", kind switch
            {
                EvidenceKinds.Waiver => $"'{item.Id}' may not be waived.",
                _ when item.SatisfiedBy == GateSatisfaction.Document => $"'{item.Id}' is a document: send kind 'document' with its 'url'.",
                EvidenceKinds.Document => $"'{item.Id}' is not a document: send kind '{GateItemInputs.KindsFor(item)[0]}'.",
                EvidenceKinds.Attestation => $"'{item.Id}' is satisfied by evidence, not by an attestation: send kind 'evidence'.",
                _ => $"'{item.Id}' is satisfied by an attestation ({string.Join(" or ", item.AttestationRoles)}), not by evidence: send kind 'attestation'.",
            });
        }
        else if (kind == EvidenceKinds.Evidence && body.Passed is null && body.Value is null)
        {
            errors.Add("passed", "Evidence needs 'passed' (true or false), a measured 'value', or both.");
        }
        else if (kind == EvidenceKinds.Evidence && item.Threshold is { } threshold && body.Value is null && body.Passed != false)
        {
            var bound = threshold.Comparison == ThresholdComparison.AtLeast ? "at least" : "at most";
            errors.Add("value", $"'{item.Id}' is measured ({bound} {threshold.Value.ToString(CultureInfo.InvariantCulture)} {threshold.Unit}): give its 'value'.");
        }
    }
}
