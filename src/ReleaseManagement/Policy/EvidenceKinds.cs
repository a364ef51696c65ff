namespace ReleaseManagement.Policy;

/// <summary>The kinds of manual gate input a person can give (<c>POST /api/releases/{id}/evidence</c>).</summary>
public static class EvidenceKinds
{
    public const string Attestation = "attestation";
    public const string Waiver = "waiver";
    public const string Evidence = "evidence";

    /// <summary>An environment's actual configuration (a settings map), for <see cref="EnvironmentConfigurationGate.ItemId"/>.</summary>
    public const string Configuration = "configuration";

    /// <summary>A link to a release document (<see cref="GateSatisfaction.Document"/>): a <c>url</c> and an optional <c>title</c>.</summary>
    public const string Document = "document";

    /// <summary>
    /// A known issue of the release, added by a person (<c>title</c>, optional <c>note</c> and <c>url</c>): listed by its
    /// release notes. Not a gate item's input: who may add one is <see cref="ReleaseActions.KnownIssue"/>.
    /// </summary>
    public const string KnownIssue = "known-issue";

    public static readonly IReadOnlyList<string> All = [Attestation, Waiver, Evidence, Configuration, Document, KnownIssue];
}
