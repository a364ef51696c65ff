namespace ReleaseManagement.Policy;

/// <summary>How a gate item is satisfied.</summary>
public enum GateSatisfaction
{
    /// <summary>By pipeline evidence: a pass/fail outcome, or a value measured against <see cref="GateItem.Threshold"/>.</summary>
    Evidence,

    /// <summary>By a named person's attestation.</summary>
    Attestation,
}
