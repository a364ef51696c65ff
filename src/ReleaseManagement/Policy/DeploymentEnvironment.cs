namespace ReleaseManagement.Policy;

/// <summary>The four environments of the promotion pipeline, in promotion order.</summary>
public enum DeploymentEnvironment
{
    Development,
    Integration,
    Staging,
    Production,
}
