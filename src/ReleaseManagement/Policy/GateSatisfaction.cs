namespace ReleaseManagement.Policy;

/// <summary>How a gate item is satisfied.</summary>
public enum GateSatisfaction
{
    /// <summary>By pipeline evidence: a pass/fail outcome, or a value measured against <see cref="GateItem.Threshold"/>.</summary>
    Evidence,

    /// <summary>By a named person's attestation.</summary>
    Attestation,

    /// <summary>
    /// By a link to a release document (<see cref="ReleaseDocuments"/>): the latest report of the item carrying an absolute
    /// http(s) URL, from a reporter (a person of its reporter roles or a pipeline of its reporters).
    /// </summary>
    Document,
}
