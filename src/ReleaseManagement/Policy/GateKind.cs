namespace ReleaseManagement.Policy;

/// <summary>The three quality gates of the procedure.</summary>
public enum GateKind
{
    Development,
    Testing,
    Deployment,
}
