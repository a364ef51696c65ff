using ReleaseManagement.Policy;

namespace ReleaseManagement.Releases;

/// <summary>
/// Validation of a decision sent to the plain API: an approval stage the policy defines rules for, approve or reject, the
/// approver's email address, an optional role and comment. Who may decide is checked later, against the release.
/// </summary>
public static class DecisionRequestValidator
{
    /// <summary>The longest comment a decision keeps (through the API and on the approval page alike).</summary>
    public const int MaxCommentLength = 2000;
    public const int MaxRoleLength = 100;

    public static ValidationResult<DirectDecision> Validate(DecisionBody? body)
    {
        if (body is null)
        {
            return RequestFields.NoBody<DirectDecision>();
        }

        var errors = new ValidationErrors();
        var stage = body.Stage?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(stage))
        {
            errors.Add("stage", "The stage is required.");
        }
        else if (!ApprovalStageKeys.All.Contains(stage))
        {
            errors.Add("stage", $"'{body.Stage}' is not an approval stage: use one of {string.Join(", ", ApprovalStageKeys.All)}.");
        }

        bool? approved = body.Decision?.Trim().ToLowerInvariant() switch
        {
            "approve" or "approved" => true,
            "reject" or "rejected" => false,
            _ => null,
        };
        if (approved is null)
        {
            errors.Add("decision", "The decision must be 'approve' or 'reject'.");
        }

        var approver = body.Approver?.Trim();
        if (string.IsNullOrEmpty(approver))
        {
            errors.Add("approver", "The approver is required.");
        }
        else if (!EmailAddresses.IsValid(approver))
        {
            errors.Add("approver", "The approver must be an email address.");
        }

        var role = body.Role?.Trim();
        if (role is { Length: > MaxRoleLength })
        {
            errors.Add("role", $"The role must be at most {MaxRoleLength} characters.");
        }

        if (body.Comment is { Length: > MaxCommentLength })
        {
            errors.Add("comment", $"The comment must be at most {MaxCommentLength} characters.");
        }

        var onBehalfOf = string.IsNullOrWhiteSpace(body.OnBehalfOf) ? null : body.OnBehalfOf.Trim();
        if (onBehalfOf is not null && !EmailAddresses.IsValid(onBehalfOf))
        {
            errors.Add("onBehalfOf", "'onBehalfOf' must be the email address of the person decided for.");
        }

        return errors.Any
            ? ValidationResult<DirectDecision>.Failure(errors.ToDictionary())
            : ValidationResult<DirectDecision>.Success(new DirectDecision(stage!, approved!.Value, approver!, role, body.Comment, onBehalfOf));
    }
}
