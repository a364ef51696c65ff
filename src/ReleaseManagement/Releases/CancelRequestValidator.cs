using ReleaseManagement.Orchestration;

namespace ReleaseManagement.Releases;

/// <summary>Validation of a cancel request: a reason and the person cancelling, every problem reported.</summary>
public static class CancelRequestValidator
{
    /// <param name="now">When the request was made: the cancel's time.</param>
    public static ValidationResult<CancelRequest> Validate(CancelBody? body, DateTimeOffset now)
    {
        if (body is null)
        {
            return RequestFields.NoBody<CancelRequest>();
        }

        var errors = new ValidationErrors();
        var reason = RequestFields.Required(body.Reason, "reason", "The reason is required.", RequestFields.MaxReasonLength, errors);
        var by = RequestFields.Person(body.By, "by", errors);
        return errors.Any
            ? ValidationResult<CancelRequest>.Failure(errors.ToDictionary())
            : ValidationResult<CancelRequest>.Success(new CancelRequest(reason!, by!, now));
    }
}
