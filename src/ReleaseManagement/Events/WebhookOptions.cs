using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ReleaseManagement.Events;

/// <summary>The sources pipeline events come from; each is also the prefix of its events' ids.</summary>
public static class EventSources
{
    public const string GitHub = "github";
    public const string AzureDevOps = "azure-devops";
    public const string CDEvents = "cdevents";
    public const string Api = "api";

    public static readonly string[] Webhooks = [GitHub, AzureDevOps, CDEvents];

    /// <summary>The canonical event id: the source's own delivery or event id, prefixed by the source.</summary>
    public static string EventId(string source, string deliveryId) => $"{source}:{deliveryId}";
}

/// <summary>
/// Settings under <c>Webhooks</c> (app settings <c>Webhooks__*</c>). Every secret is named
/// (<c>Webhooks__&lt;Source&gt;__Secrets__&lt;name&gt;</c>): the name of the secret a delivery verifies with is the pipeline
/// that sent it (<see cref="WebhookSecrets"/>), whose reports the policy may restrict
/// (<see cref="Policy.GateEntitlement.PipelineRefusal"/>). A pipeline's secret is rotated under
/// <c>Secrets__&lt;name&gt;__0</c>, <c>__1</c> (both valid at once: add the new one, switch the sender, remove the old one).
/// A secret named by a number (<c>Secrets__0</c>, the settings before names) is unnamed. A source with no secret configured
/// refuses every delivery (401).
/// </summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";
    public const int MinSecretLength = 16;

    /// <summary>The largest body accepted (GitHub caps its payloads at 25 MB).</summary>
    public long MaxBodyBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>
    /// How long storing and enqueueing a delivery may take before the answer is 503 (the sender retries). GitHub gives up
    /// on a webhook after 10 s and counts it failed, so the default leaves room for reading and verifying the body.
    /// </summary>
    public TimeSpan StorageTimeout { get; set; } = TimeSpan.FromSeconds(7);

    public GitHubWebhookOptions GitHub { get; set; } = new();

    public AzureDevOpsWebhookOptions AzureDevOps { get; set; } = new();

    public CDEventsWebhookOptions CDEvents { get; set; } = new();

    public CorrelationOptions Correlation { get; set; } = new();
}

/// <summary><c>Webhooks__GitHub__Secrets__&lt;name&gt;</c>: the webhook secrets (HMAC-SHA256 keys), by pipeline name (<see cref="WebhookSecrets"/>).</summary>
public sealed class GitHubWebhookOptions
{
    public Dictionary<string, string> Secrets { get; set; } = WebhookSecrets.Create();
}

/// <summary>
/// Azure DevOps service hooks: Basic credentials (<c>Username</c> plus any of <c>Secrets</c> as password; the password's name
/// is the pipeline, <see cref="WebhookSecrets"/>) and a shared HTTP header (<c>HeaderName</c>: any of <c>HeaderValues</c>).
/// Both must match.
/// </summary>
public sealed class AzureDevOpsWebhookOptions
{
    public const string DefaultHeaderName = "X-Release-Webhook-Key";

    public string Username { get; set; } = "release-webhooks";

    public Dictionary<string, string> Secrets { get; set; } = WebhookSecrets.Create();

    public string HeaderName { get; set; } = DefaultHeaderName;

    public List<string> HeaderValues { get; set; } = [];
}

/// <summary>CDEvents over HTTP: HMAC-SHA256 keys by pipeline name (<see cref="WebhookSecrets"/>) and the accepted clock skew of <c>X-Signature-Timestamp</c>.</summary>
public sealed class CDEventsWebhookOptions
{
    public Dictionary<string, string> Secrets { get; set; } = WebhookSecrets.Create();

    public TimeSpan Tolerance { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// The conventions that tie an event to a release when it names none explicitly: a branch or tag named
/// <c>BranchPrefix</c>/<c>TagPrefix</c> + release id, then an artifact version matched by <c>VersionPattern</c>
/// (its group <c>release</c> is the release id). An empty value turns that convention off.
/// </summary>
public sealed class CorrelationOptions
{
    public const string DefaultVersionPattern = @"^v?(?<release>\d+\.\d+\.\d+)(?:[-+].*)?$";

    public string? BranchPrefix { get; set; } = "release/";

    public string? TagPrefix { get; set; } = "release/";

    public string? VersionPattern { get; set; } = DefaultVersionPattern;
}

/// <summary>Validates <see cref="WebhookOptions"/> at start-up: weak or blank secrets and bad patterns stop the host.</summary>
public sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var errors = new List<string>();
        CheckSecrets(errors, "Webhooks:GitHub:Secrets", options.GitHub.Secrets);
        CheckSecrets(errors, "Webhooks:AzureDevOps:Secrets", options.AzureDevOps.Secrets);
        CheckSecrets(errors, "Webhooks:AzureDevOps:HeaderValues", options.AzureDevOps.HeaderValues);
        CheckSecrets(errors, "Webhooks:CDEvents:Secrets", options.CDEvents.Secrets);
        if (options.AzureDevOps.Secrets.Count > 0 || options.AzureDevOps.HeaderValues.Count > 0)
        {
            if (string.IsNullOrWhiteSpace(options.AzureDevOps.Username) || options.AzureDevOps.Username.Contains(':'))
            {
                errors.Add("Webhooks:AzureDevOps:Username is required (without ':') when Azure DevOps secrets are set.");
            }

            if (options.AzureDevOps.Secrets.Count == 0 || options.AzureDevOps.HeaderValues.Count == 0)
            {
                errors.Add("Webhooks:AzureDevOps needs both Secrets (the Basic password) and HeaderValues (the shared header).");
            }

            if (string.IsNullOrWhiteSpace(options.AzureDevOps.HeaderName))
            {
                errors.Add("Webhooks:AzureDevOps:HeaderName must not be empty.");
            }
        }

        if (options.CDEvents.Tolerance < TimeSpan.FromSeconds(1) || options.CDEvents.Tolerance > TimeSpan.FromHours(1))
        {
            errors.Add("Webhooks:CDEvents:Tolerance must be between 1 second and 1 hour.");
        }

        if (options.StorageTimeout < TimeSpan.FromMilliseconds(100) || options.StorageTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add("Webhooks:StorageTimeout must be between 100 milliseconds and 1 minute.");
        }

        if (options.MaxBodyBytes < 1024 || options.MaxBodyBytes > 100L * 1024 * 1024)
        {
            errors.Add("Webhooks:MaxBodyBytes must be between 1 KB and 100 MB.");
        }

        if (!string.IsNullOrEmpty(options.Correlation.VersionPattern))
        {
            try
            {
                var regex = new Regex(options.Correlation.VersionPattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                if (!regex.GetGroupNames().Contains("release"))
                {
                    errors.Add("Webhooks:Correlation:VersionPattern must have a named group 'release'.");
                }
            }
            catch (ArgumentException e)
            {
                errors.Add($"Webhooks:Correlation:VersionPattern is not a valid regular expression: {e.Message}");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckSecrets(List<string> errors, string key, Dictionary<string, string> secrets)
    {
        foreach (var (name, secret) in secrets.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            if (string.IsNullOrWhiteSpace(secret) || secret.Length < WebhookOptions.MinSecretLength)
            {
                errors.Add($"{key}:{name} must be at least {WebhookOptions.MinSecretLength} characters.");
            }

            if (!WebhookSecrets.IsValidName(name))
            {
                errors.Add($"{key}:{name}: a secret's name is a pipeline name (letters, digits, '-' and '_', starting with a letter), optionally followed by ':' and a rotation number, or a number alone (unnamed).");
            }
        }
    }

    private static void CheckSecrets(List<string> errors, string key, List<string> secrets)
    {
        for (var i = 0; i < secrets.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(secrets[i]) || secrets[i].Length < WebhookOptions.MinSecretLength)
            {
                errors.Add($"{key}:{i} must be at least {WebhookOptions.MinSecretLength} characters.");
            }
        }
    }
}

/// <summary>
/// The names of webhook secrets. A secret named <c>build</c> (<c>Webhooks__GitHub__Secrets__build</c>) identifies the
/// pipeline <c>build</c>: what it reports is recorded as by <c>build</c>, and the policy may grant it evidence items
/// (<see cref="Policy.GateItem.Reporters"/>). <c>Secrets__build__0</c>, <c>__1</c> are the same pipeline's secrets during
/// a rotation (bound as <c>build:0</c>, <c>build:1</c>). A secret named by a number alone (<c>Secrets__0</c>, the settings
/// before secrets were named) is unnamed: it reports as its source did before, and may report every event and evidence
/// item except those the policy grants to named pipelines only.
/// </summary>
public static partial class WebhookSecrets
{
    /// <summary>A secrets map whose names are compared as configuration keys are (ignoring case).</summary>
    public static Dictionary<string, string> Create() => new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The pipeline a secret's name identifies: the name before any <c>:</c> rotation number, in lower case; null for an
    /// unnamed secret (a number alone) or none.
    /// </summary>
    public static string? PipelineOf(string? secretName)
    {
        if (string.IsNullOrWhiteSpace(secretName))
        {
            return null;
        }

        var name = secretName.Split(':', 2)[0].Trim();
        return name.Length == 0 || name.All(char.IsAsciiDigit) ? null : name.ToLowerInvariant();
    }

    /// <summary>Whether <paramref name="secretName"/> is a number alone, a pipeline name, or a pipeline name with a rotation number.</summary>
    public static bool IsValidName(string secretName) => NamePattern().IsMatch(secretName);

    /// <summary>Whether <paramref name="pipeline"/> may be a pipeline's name (what the policy's reporter lists name).</summary>
    public static bool IsPipelineName(string pipeline) => PipelinePattern().IsMatch(pipeline);

    [GeneratedRegex(@"^(?:\d+|[A-Za-z][A-Za-z0-9_-]{0,63}(?::\d+)?)$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex PipelinePattern();
}
