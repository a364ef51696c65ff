using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy;

/// <summary>
/// One document of the policy's catalogue (<see cref="ReleasePolicy.Documents"/>): the procedure's release documentation
/// (release notes, deployment guide, rollback procedure, user guide, technical documentation). A release type names the
/// documents it requires (<see cref="ReleaseTypePolicy.RequiredDocuments"/>); each is then an item of the release's gate
/// before production (<see cref="ReleaseDocuments.ItemsFor"/>), satisfied by a link (<see cref="GateSatisfaction.Document"/>).
/// </summary>
public sealed record ReleaseDocument
{
    public required string Description { get; init; }

    /// <summary>Optional: the roles whose members may report the document's link by hand (<c>POST .../evidence</c>, kind <c>document</c>). Null or empty: nobody by hand (a pipeline reports it).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? ReporterRoles { get; init; }

    /// <summary>Optional: the named pipelines (webhook secret names) that may report the link. Null or empty: any configured pipeline.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Reporters { get; init; }
}

/// <summary>The release documentation a release needs: the catalogue's defaults and each document as a gate item.</summary>
public static class ReleaseDocuments
{
    public const string ReleaseNotes = "release-notes";
    public const string DeploymentGuide = "deployment-guide";
    public const string RollbackProcedure = "rollback-procedure";
    public const string UserGuide = "user-guide";
    public const string TechnicalDocumentation = "technical-documentation";

    /// <summary>The procedure's five documents ("Documentation Requirements"), each reported by hand by the roles that write it, or by any pipeline.</summary>
    public static IReadOnlyDictionary<string, ReleaseDocument> Defaults { get; } = new Dictionary<string, ReleaseDocument>(StringComparer.Ordinal)
    {
        [ReleaseNotes] = Doc("Release notes: feature descriptions and known issues", PolicyRoles.ReleaseManager, PolicyRoles.ProductOwner),
        [DeploymentGuide] = Doc("Deployment guide: step-by-step deployment procedures", PolicyRoles.ReleaseManager, PolicyRoles.TechnicalLead),
        [RollbackProcedure] = Doc("Rollback procedures: detailed rollback instructions", PolicyRoles.ReleaseManager, PolicyRoles.TechnicalLead),
        [UserGuide] = Doc("User guides: updated user documentation", PolicyRoles.ProductOwner, PolicyRoles.ReleaseManager),
        [TechnicalDocumentation] = Doc("Technical documentation: API and system documentation updates", PolicyRoles.TechnicalLead, PolicyRoles.ReleaseManager),
    };

    /// <summary>
    /// The built-in <see cref="ReleaseTypePolicy.RequiredDocuments"/> (chosen defaults, docs/policy.md): a Major release all
    /// five; a Minor all but the technical documentation; a Patch the release notes, deployment guide and rollback procedure;
    /// a Hotfix the release notes and the rollback procedure.
    /// </summary>
    public static IReadOnlyList<string> DefaultRequired(ReleaseType type) => type switch
    {
        ReleaseType.Major => [ReleaseNotes, DeploymentGuide, RollbackProcedure, UserGuide, TechnicalDocumentation],
        ReleaseType.Minor => [ReleaseNotes, DeploymentGuide, RollbackProcedure, UserGuide],
        ReleaseType.Patch => [ReleaseNotes, DeploymentGuide, RollbackProcedure],
        _ => [ReleaseNotes, RollbackProcedure],
    };

    /// <summary>Every document of the catalogue as a gate item (the evidence route and the webhooks find them like any item).</summary>
    public static IEnumerable<GateItem> Items(ReleasePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Documents.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => Item(d.Key, d.Value));
    }

    /// <summary>The ids of the documents a release of <paramref name="type"/> requires (none when its type names none).</summary>
    public static IReadOnlyList<string> Required(ReleasePolicy policy, ReleaseType type)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.ReleaseTypes.TryGetValue(type, out var t) && t.RequiredDocuments is { } ids ? ids : [];
    }

    /// <summary>
    /// The required documents of a release of <paramref name="type"/> as items of the gate before promotion into
    /// <paramref name="to"/>: the gate before production (the Deployment gate, or the hotfix route's last step), none before
    /// another environment.
    /// </summary>
    public static IReadOnlyList<GateItem> ItemsFor(ReleasePolicy policy, ReleaseType type, DeploymentEnvironment to)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return to != DeploymentEnvironment.Production
            ? []
            : Required(policy, type).Select(id => policy.Documents.TryGetValue(id, out var d)
                ? Item(id, d)
                : throw new InvalidOperationException($"'{id}' is not a document of the policy.")).ToArray();
    }

    /// <summary>A document as a gate item: satisfied by a link, waivable by the release manager.</summary>
    public static GateItem Item(string id, ReleaseDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return new()
        {
            Id = id,
            Description = document.Description,
            SatisfiedBy = GateSatisfaction.Document,
            Threshold = null,
            AttestationRoles = [],
            Waivable = true,
            ReporterRoles = document.ReporterRoles,
            Reporters = document.Reporters,
        };
    }

    /// <summary>Whether <paramref name="url"/> is a link a document may carry: an absolute http or https URL (never javascript:, data:, a relative path).</summary>
    public static bool IsLink(string? url) =>
        url is { Length: > 0 and <= 2000 }
        && Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && !string.IsNullOrEmpty(uri.Host);

    private static ReleaseDocument Doc(string description, params string[] reporterRoles) => new() { Description = description, ReporterRoles = reporterRoles };
}
