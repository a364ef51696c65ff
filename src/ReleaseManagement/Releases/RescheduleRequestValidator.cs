using System.Globalization;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Releases;

/// <summary>
/// Validation of a reschedule: a new target date, the person acting and an optional reason (<see cref="Validate"/>); then,
/// against the release as requested, the policy's rules as if it were requested now with the new date (<see cref="CheckPolicy"/>).
/// </summary>
public static class RescheduleRequestValidator
{
    /// <param name="now">When the request was made: the reschedule's time.</param>
    public static ValidationResult<RescheduleRequest> Validate(RescheduleBody? body, DateTimeOffset now)
    {
        if (body is null)
        {
            return RequestFields.NoBody<RescheduleRequest>();
        }

        var errors = new ValidationErrors();
        DateOnly targetDate = default;
        if (string.IsNullOrWhiteSpace(body.TargetDate))
        {
            errors.Add("targetDate", "The new target date is required (yyyy-MM-dd).");
        }
        else if (!DateOnly.TryParseExact(body.TargetDate.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out targetDate))
        {
            errors.Add("targetDate", $"'{body.TargetDate}' is not a date in the form yyyy-MM-dd.");
        }

        var by = RequestFields.Person(body.By, "by", errors);
        var reason = RequestFields.Optional(body.Reason, "reason", RequestFields.MaxReasonLength, errors);
        return errors.Any
            ? ValidationResult<RescheduleRequest>.Failure(errors.ToDictionary())
            : ValidationResult<RescheduleRequest>.Success(new RescheduleRequest(targetDate, by!, now, reason));
    }

    /// <summary>The release moved to the new date, checked against the policy (planning horizon, production window).</summary>
    public static ValidationResult<ReleaseRequest> CheckPolicy(ReleasePolicy policy, ReleaseRequest release, RescheduleRequest reschedule) =>
        ReleaseRequestPolicyRules.Validate(policy, release with { TargetDate = reschedule.TargetDate }, reschedule.At);
}
