using ReleaseManagement.Orchestration;

namespace ReleaseManagement.Releases;

/// <summary>
/// Validation of a retry or skip of the effect a release waits on during an outage: the person and an optional reason.
/// Whether that person is a release manager, and whether the release waits on an effect it may skip, is checked later.
/// </summary>
public static class OutageDecisionValidator
{
    /// <param name="now">When the decision was made.</param>
    public static ValidationResult<OutageDecision> Validate(OutageDecisionBody? body, OutageAction action, DateTimeOffset now)
    {
        if (body is null)
        {
            return RequestFields.NoBody<OutageDecision>();
        }

        var errors = new ValidationErrors();
        var by = RequestFields.Person(body.By, "by", errors);
        var reason = string.IsNullOrWhiteSpace(body.Reason)
            ? null
            : RequestFields.Required(body.Reason, "reason", "The reason is required.", RequestFields.MaxReasonLength, errors);
        return errors.Any
            ? ValidationResult<OutageDecision>.Failure(errors.ToDictionary())
            : ValidationResult<OutageDecision>.Success(new OutageDecision(action, by!, reason, now));
    }
}
