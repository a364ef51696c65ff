using System.Text.Json;
using Json.Schema;

namespace ReleaseManagement.Policy;

/// <summary>What loading a policy gave: the policy, or every error found.</summary>
public sealed record PolicyLoadResult(ReleasePolicy? Policy, IReadOnlyList<PolicyError> Errors, string Source)
{
    public bool IsValid => Policy is not null && Errors.Count == 0;

    /// <summary>The policy, or a <see cref="ReleasePolicyException"/> listing every error.</summary>
    public ReleasePolicy GetOrThrow() => IsValid ? Policy! : throw new ReleasePolicyException(Source, Errors);
}

/// <summary>
/// Reads the release policy: <c>config/release-policy.json</c> (or the path in the <c>Policy:Path</c> setting, app setting
/// <c>Policy__Path</c>), checked against <c>config/release-policy.schema.json</c> and then by <see cref="PolicyFileValidator"/>.
/// When the default file does not exist the built-in defaults apply; a path that was configured explicitly must exist.
/// </summary>
public static class ReleasePolicyLoader
{
    /// <summary>The configuration key naming the policy file (app setting <c>Policy__Path</c>).</summary>
    public const string PathSetting = "Policy:Path";

    /// <summary>Where the policy is looked for when no path is configured, relative to the application folder.</summary>
    public const string DefaultPath = "config/release-policy.json";

    public const string SchemaResource = "ReleaseManagement.Policy.release-policy.schema.json";

    private static readonly Lazy<JsonSchema> Schema = new(LoadSchema);

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>The schema text shipped with the assembly (the same file as <c>config/release-policy.schema.json</c>).</summary>
    public static string SchemaText()
    {
        using var stream = typeof(ReleasePolicyLoader).Assembly.GetManifestResourceStream(SchemaResource)
            ?? throw new InvalidOperationException($"The embedded resource {SchemaResource} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Loads the policy for a host: <paramref name="configuredPath"/> when set (relative paths resolve against
    /// <paramref name="baseDirectory"/>), else <see cref="DefaultPath"/> there, else the built-in defaults.
    /// Throws <see cref="ReleasePolicyException"/> listing every error when the policy is invalid.
    /// </summary>
    public static ReleasePolicy Load(string? configuredPath, string baseDirectory) => Resolve(configuredPath, baseDirectory).GetOrThrow();

    /// <summary>As <see cref="Load"/>, returning the errors instead of throwing.</summary>
    public static PolicyLoadResult Resolve(string? configuredPath, string baseDirectory)
    {
        var explicitPath = !string.IsNullOrWhiteSpace(configuredPath);
        var path = Path.GetFullPath(explicitPath ? configuredPath!.Trim() : DefaultPath, baseDirectory);
        if (!File.Exists(path))
        {
            return explicitPath
                ? new PolicyLoadResult(null, [new PolicyError(PolicyPath.Root, $"The policy file '{path}' named by {PathSetting} does not exist.")], path)
                : FromPolicy(ReleasePolicyDefaults.Create(), "the built-in defaults");
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>
    /// Validates a policy built in code (tests, the built-in defaults) as a policy file is: its JSON form against the schema
    /// first, then, when that passes, the rules the schema cannot say (<see cref="PolicyFileValidator"/>).
    /// </summary>
    public static PolicyLoadResult FromPolicy(ReleasePolicy policy, string source)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var schemaErrors = SchemaErrors(JsonSerializer.SerializeToElement(policy, PolicyJson.Options));
        return schemaErrors.Count > 0 ? new PolicyLoadResult(null, schemaErrors, source) : CheckRules(policy, source);
    }

    private static PolicyLoadResult CheckRules(ReleasePolicy policy, string source)
    {
        var errors = PolicyFileValidator.Validate(policy);
        return new PolicyLoadResult(errors.Count == 0 ? policy : null, errors, source);
    }

    /// <summary>Parses and validates policy JSON: the schema first (every violation), then the policy's own rules.</summary>
    public static PolicyLoadResult Parse(string json, string source = "JSON")
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            return Failed(source, new PolicyError(PolicyPath.Root, $"Not valid JSON: {e.Message}"));
        }

        using (document)
        {
            var schemaErrors = SchemaErrors(document.RootElement);
            if (schemaErrors.Count > 0)
            {
                return new PolicyLoadResult(null, schemaErrors, source);
            }

            ReleasePolicy? policy;
            try
            {
                policy = document.RootElement.Deserialize<ReleasePolicy>(PolicyJson.Options);
            }
            catch (JsonException e)
            {
                var path = string.IsNullOrEmpty(e.Path) ? PolicyPath.Root : e.Path;
                return Failed(source, new PolicyError(path, e.InnerException?.Message ?? e.Message));
            }

            if (policy is null)
            {
                return Failed(source, new PolicyError(PolicyPath.Root, "The policy must be a JSON object."));
            }

            return CheckRules(policy, source);
        }
    }

    /// <summary>Every schema violation in <paramref name="instance"/>, as path and reason, in document order.</summary>
    public static IReadOnlyList<PolicyError> SchemaErrors(JsonElement instance)
    {
        var results = Schema.Value.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        if (results.IsValid)
        {
            return [];
        }

        // Only failed nodes are walked: a branch that failed inside a passing anyOf is no error.
        var errors = new List<PolicyError>();
        void Visit(EvaluationResults node)
        {
            if (node.IsValid)
            {
                return;
            }

            if (node.Errors is not null)
            {
                var path = PolicyPath.FromPointer(node.InstanceLocation.ToString());
                foreach (var (keyword, message) in node.Errors)
                {
                    var error = new PolicyError(path, Explain(keyword, message, node, instance));
                    if (!errors.Contains(error))
                    {
                        errors.Add(error);
                    }
                }
            }

            foreach (var child in node.Details ?? [])
            {
                Visit(child);
            }
        }

        Visit(results);
        if (errors.Count == 0)
        {
            errors.Add(new PolicyError(PolicyPath.Root, "The policy does not match config/release-policy.schema.json."));
        }

        return errors;
    }

    /// <summary>Schema messages in the policy's terms, with the offending value.</summary>
    private static string Explain(string keyword, string message, EvaluationResults node, JsonElement instance)
    {
        var value = node.InstanceLocation.Evaluate(instance) is { } e ? e.GetRawText() : null;
        var schemaLocation = node.SchemaLocation?.ToString() ?? "";
        string? form = schemaLocation switch
        {
            _ when schemaLocation.Contains("/$defs/duration", StringComparison.Ordinal) => "a duration [-][d.]hh:mm:ss, e.g. 3.00:00:00 (3 days) or 00:00:30 (30 seconds)",
            _ when schemaLocation.Contains("/$defs/person", StringComparison.Ordinal) => "an email address",
            _ when schemaLocation.Contains("/$defs/date", StringComparison.Ordinal) => "a date yyyy-MM-dd",
            _ when schemaLocation.Contains("/$defs/timeOfDay", StringComparison.Ordinal) => "a time of day HH:mm or HH:mm:ss",
            _ when schemaLocation.Contains("/$defs/name", StringComparison.Ordinal) => "a name (it must not be empty or blank)",
            _ => null,
        };
        return keyword switch
        {
            "" or "false" => "Not a property of the policy (check the spelling against config/release-policy.schema.json).",
            "pattern" or "minLength" when form is not null => $"{value} is not {form}.",
            "pattern" => $"{value} does not have the required form: {message}.",
            "enum" => $"{value} is not one of the allowed values.",
            _ => value is null || value.StartsWith('{') || value.StartsWith('[') ? message : $"{message} (the value is {Shorten(value)}).",
        };
    }

    private static string Shorten(string json) => json.Length <= 60 ? json : json[..57] + "...";

    private static PolicyLoadResult Failed(string source, PolicyError error) => new(null, [error], source);

    private static JsonSchema LoadSchema() => JsonSchema.FromText(SchemaText());
}
