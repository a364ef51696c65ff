using ReleaseManagement.Policy.Validation;

namespace ReleaseManagement.Policy;

/// <summary>
/// The policy file's rules that its JSON Schema (<c>config/release-policy.schema.json</c>) cannot say: references between
/// its parts resolve, durations make sense and follow one another, ids and names are unique, time zones and email
/// addresses are real. It assumes a policy the schema accepts (<see cref="ReleasePolicyLoader"/> runs the schema first,
/// for a file and for a policy built in code alike), so a rule the schema already states is not written here again.
/// Returns every problem, each with the JSON path of the offending value. Each section of the policy has its own rules
/// (<c>Policy/Validation</c>), run here in the order of the policy file.
/// </summary>
public static class PolicyFileValidator
{
    public static IReadOnlyList<PolicyError> Validate(ReleasePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var errors = new PolicyErrors();
        if (!PolicyTime.TryFindZone(policy.TimeZone, out _))
        {
            errors.Add(PolicyPath.Root.Property("timeZone"), $"'{policy.TimeZone}' is not an IANA time zone (e.g. America/New_York).");
        }

        new ReleaseTypeRules(errors).Check(policy);
        new SystemRules(errors).Check(policy);
        new ApproverRules(errors).Check(policy);
        new ApprovalRules(errors).Check(policy);
        new PromotionRules(errors).Check(policy);
        new WindowRules(errors).Check(policy);
        new GateRules(errors).Check(policy);
        new DocumentRules(errors).Check(policy);
        new DeploymentRules(errors).Check(policy);
        new ChangeCategoryRules(errors).Check(policy);
        new RiskMatrixRules(errors).Check(policy);
        new CommunicationRules(errors).Check(policy);
        new AudienceRules(errors).Check(policy);
        new SuccessCriteriaRules(errors).Check(policy);
        new MetricTargetRules(errors).Check(policy);
        new EmergencyReviewRules(errors).Check(policy);
        new ResilienceRules(errors).Check(policy);
        new TestSuiteEvidenceRules(errors).Check(policy);
        return errors.All;
    }
}
