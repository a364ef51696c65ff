namespace ReleaseManagement.Policy.Validation;

/// <summary>The problems found in a policy so far, each with the JSON path of the offending value, and the checks every section shares.</summary>
internal sealed class PolicyErrors
{
    private readonly List<PolicyError> _errors = [];

    public IReadOnlyList<PolicyError> All => _errors;

    public void Add(string path, string message) => _errors.Add(new PolicyError(path, message));

    /// <summary>A duration that must be more than zero.</summary>
    public void RequirePositive(TimeSpan value, string path)
    {
        if (value <= TimeSpan.Zero)
        {
            Add(path, $"Must be a positive duration (it is {value}).");
        }
    }

    /// <summary>A duration that may be zero but not negative.</summary>
    public void RequireNonNegative(TimeSpan value, string path)
    {
        if (value < TimeSpan.Zero)
        {
            Add(path, $"Must not be negative (it is {value}).");
        }
    }

    /// <summary>A percentage, between 0 and 100.</summary>
    public void RequirePercentage(decimal value, string path)
    {
        if (value is < 0 or > 100)
        {
            Add(path, $"A percentage is between 0 and 100 (it is {value}).");
        }
    }

    /// <summary>A list of names (roles, contacts, milestones) none of which is empty or blank.</summary>
    public void RequireNoEmptyEntries(IReadOnlyList<string> names, string path)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(names[i]))
            {
                Add(path.Index(i), "Must not be empty.");
            }
        }
    }

    /// <summary>A reference to an approval stage, which the policy's <c>approvals</c> must define.</summary>
    public void RequireApprovalStage(ReleasePolicy policy, string stage, string path)
    {
        if (!policy.Approvals.ContainsKey(stage))
        {
            Add(path, $"'{stage}' is not an approval stage of this policy: use one of {string.Join(", ", policy.Approvals.Keys)}.");
        }
    }
}
