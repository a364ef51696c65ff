namespace ReleaseManagement.Policy.Validation;

/// <summary>Steps down a policy path (<see cref="PolicyPath"/>): <c>path.Property("timeout")</c>, <c>path.Index(2)</c>.</summary>
internal static class PolicyPathSteps
{
    /// <summary>The path of <paramref name="name"/> in the object at <paramref name="parent"/>.</summary>
    public static string Property(this string parent, string name) => PolicyPath.Property(parent, name);

    /// <summary>The path of element <paramref name="index"/> of the array at <paramref name="parent"/>.</summary>
    public static string Index(this string parent, int index) => PolicyPath.Index(parent, index);
}
