using System.Globalization;

namespace ReleaseManagement.Releases;

/// <summary>
/// Structural validation of a release request: every field is checked and every problem reported.
/// Rules that depend on the release policy (planning horizons, known systems, approvers) are applied on top of this.
/// </summary>
public static class ReleaseRequestValidator
{
    public const int MaxTitleLength = 200;
    public const int MaxSystems = 20;

    public static ValidationResult<ReleaseRequest> Validate(ReleaseRequestBody? body, DateOnly today)
    {
        var errors = new ValidationErrors();
        if (body is null)
        {
            errors.Add("body", "A JSON object is required.");
            return ValidationResult<ReleaseRequest>.Failure(errors.ToDictionary());
        }

        if (string.IsNullOrWhiteSpace(body.Id))
        {
            errors.Add("id", "The release id is required.");
        }
        else if (!ReleaseIds.IsValid(body.Id))
        {
            errors.Add("id", $"The release id must be 1 to {ReleaseIds.MaxLength} characters of letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }

        var title = body.Title?.Trim();
        if (string.IsNullOrEmpty(title))
        {
            errors.Add("title", "The title is required.");
        }
        else if (title.Length > MaxTitleLength)
        {
            errors.Add("title", $"The title must be at most {MaxTitleLength} characters.");
        }

        ReleaseType type = default;
        if (string.IsNullOrWhiteSpace(body.Type))
        {
            errors.Add("type", "The release type is required: one of Major, Minor, Patch, Hotfix.");
        }
        else if (!TryParseType(body.Type, out type))
        {
            errors.Add("type", $"'{body.Type}' is not a release type: use one of Major, Minor, Patch, Hotfix.");
        }

        var systems = new List<string>();
        if (body.Systems is null || body.Systems.Count == 0)
        {
            errors.Add("systems", "At least one affected system is required.");
        }
        else if (body.Systems.Count > MaxSystems)
        {
            errors.Add("systems", $"At most {MaxSystems} systems may be named.");
        }
        else
        {
            for (var i = 0; i < body.Systems.Count; i++)
            {
                var system = body.Systems[i]?.Trim();
                if (string.IsNullOrEmpty(system))
                {
                    errors.Add($"systems[{i}]", "A system name must not be empty.");
                }
                else if (systems.Contains(system, StringComparer.OrdinalIgnoreCase))
                {
                    errors.Add($"systems[{i}]", $"'{system}' is named twice.");
                }
                else
                {
                    systems.Add(system);
                }
            }
        }

        DateOnly targetDate = default;
        if (string.IsNullOrWhiteSpace(body.TargetDate))
        {
            errors.Add("targetDate", "The target production date is required (yyyy-MM-dd).");
        }
        else if (!DateOnly.TryParseExact(body.TargetDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out targetDate))
        {
            errors.Add("targetDate", $"'{body.TargetDate}' is not a date in the form yyyy-MM-dd.");
        }
        else if (targetDate < today)
        {
            errors.Add("targetDate", $"The target date {targetDate:yyyy-MM-dd} is in the past (today is {today:yyyy-MM-dd}).");
        }

        var requestedBy = string.IsNullOrWhiteSpace(body.RequestedBy) ? null : body.RequestedBy.Trim();

        if (errors.Any)
        {
            return ValidationResult<ReleaseRequest>.Failure(errors.ToDictionary());
        }

        return ValidationResult<ReleaseRequest>.Success(new ReleaseRequest(body.Id!, title!, type, systems, targetDate, requestedBy));
    }

    public static bool TryParseType(string value, out ReleaseType type) =>
        Enum.TryParse(value.Trim(), ignoreCase: true, out type) && Enum.IsDefined(type) && !int.TryParse(value, out _);
}
