using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy.Validation;

/// <summary><c>approvers</c> (policy-wide and a system's): role names are not empty and every person is an email address.</summary>
internal sealed class ApproverRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy) => RoleMap(policy.Approvers, PolicyPath.Root.Property("approvers"));

    public void RoleMap(IReadOnlyDictionary<string, IReadOnlyList<string>> map, string path)
    {
        foreach (var (role, people) in map)
        {
            var at = path.Property(role);
            if (string.IsNullOrWhiteSpace(role))
            {
                errors.Add(at, "A role name must not be empty.");
            }

            for (var i = 0; i < people.Count; i++)
            {
                if (people[i] is not { } person || !EmailAddresses.IsValid(person))
                {
                    errors.Add(at.Index(i), $"'{people[i]}' is not an email address.");
                }
            }
        }
    }
}
