using ReleaseManagement.Audit;

namespace ReleaseManagement.Policy;

/// <summary>
/// A policy as captured for a release: its canonical JSON (<see cref="CanonicalJson.Of(ReleasePolicy)"/>) and that JSON's
/// SHA-256 (<see cref="CanonicalJson.PolicyHash"/>, the hash the audit trail records at request time).
/// </summary>
public sealed record PolicySnapshot(string Hash, string Json)
{
    public static PolicySnapshot Of(ReleasePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var json = CanonicalJson.Of(policy);
        return new PolicySnapshot(CanonicalJson.Hash(json), json);
    }

    /// <summary>Whether <see cref="Hash"/> is the SHA-256 of <see cref="Json"/>'s canonical form (a store checks it before it keeps or hands one out).</summary>
    public bool IsIntact => IsHash(Hash) && string.Equals(CanonicalJson.Hash(Json), Hash, StringComparison.Ordinal);

    /// <summary>The policy itself.</summary>
    public ReleasePolicy ToPolicy() => PolicyJson.Deserialize(Json);

    /// <summary>Whether <paramref name="hash"/> has the form of a snapshot's hash: 64 lower-case hex digits.</summary>
    public static bool IsHash(string? hash) =>
        hash is { Length: 64 } && hash.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
