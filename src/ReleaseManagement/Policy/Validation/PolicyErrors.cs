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



    /// <summary>A reference to an approval stage, which the policy's <c>approvals</c> must define.</summary>
    public void RequireApprovalStage(ReleasePolicy policy, string stage, string path)
    {
        if (!policy.Approvals.ContainsKey(stage))
        {
            Add(path, $"'{stage}' is not an approval stage of this policy: use one of {string.Join(", ", policy.Approvals.Keys)}.");
        }
    }
}
