namespace ReleaseManagement.Policy.Validation;

/// <summary><c>environments</c>: a standard for every deployment environment.</summary>
internal sealed class EnvironmentRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy) => Environments(policy, PolicyPath.Root.Property("environments"));

    private void Environments(ReleasePolicy policy, string path)
    {
        foreach (var environment in Enum.GetValues<DeploymentEnvironment>())
        {
            if (!policy.Environments.ContainsKey(environment))
            {
                errors.Add(path, $"The {environment} environment standard is missing.");
            }
        }
    }
}
