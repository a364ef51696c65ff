namespace ReleaseManagement.Policy;

/// <summary>The kinds of manual gate input a person can give (<c>POST /api/releases/{id}/evidence</c>).</summary>
public static class EvidenceKinds
{
    public const string Attestation = "attestation";
    public const string Waiver = "waiver";
    public const string Evidence = "evidence";

    /// <summary>An environment's actual configuration (a settings map), for <see cref="EnvironmentConfigurationGate.ItemId"/>.</summary>
    public const string Configuration = "configuration";

    public static readonly IReadOnlyList<string> All = [Attestation, Waiver, Evidence, Configuration];
}
