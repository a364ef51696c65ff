using ReleaseManagement.Policy;

namespace ReleaseManagement.Releases;

/// <summary>Validation of a milestone recorded by hand: one of the policy's milestones, the person acting, an optional note.</summary>
public static class MilestoneRequestValidator
{
    /// <param name="name">The milestone named in the route.</param>
    public static ValidationResult<ManualMilestone> Validate(ReleasePolicy policy, string? name, MilestoneBody? body)
    {
        if (body is null)
        {
            return RequestFields.NoBody<ManualMilestone>();
        }

        var errors = new ValidationErrors();
        var milestone = policy.Promotion.Milestones.FirstOrDefault(m => string.Equals(m, name?.Trim(), StringComparison.OrdinalIgnoreCase));
        if (milestone is null)
        {
            errors.Add("name", $"'{name}' is not a milestone: use one of {string.Join(", ", policy.Promotion.Milestones)}.");
        }

        var by = RequestFields.Person(body.By, "by", errors);
        var note = RequestFields.Optional(body.Note, "note", RequestFields.MaxNoteLength, errors);
        return errors.Any
            ? ValidationResult<ManualMilestone>.Failure(errors.ToDictionary())
            : ValidationResult<ManualMilestone>.Success(new ManualMilestone(milestone!, by!, note));
    }
}
