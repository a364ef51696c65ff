namespace ReleaseManagement.Policy;

/// <summary>
/// What the post-deployment validation and the watch do when health data is missing (<see cref="HealthData"/>): never
/// "targets met".
/// </summary>
public enum MissingHealthDataRule
{
    /// <summary>Wait for an attestation of <see cref="SuccessCriteria.SignOffItem"/> by <see cref="SuccessCriteria.SignOffRoles"/> (default).</summary>
    RequireSignOff,

    /// <summary>Go on, writing on the timeline that the step passed without data.</summary>
    Pass,

    /// <summary>Roll back (validation and watch) with a reason naming the missing data.</summary>
    Fail,
}
