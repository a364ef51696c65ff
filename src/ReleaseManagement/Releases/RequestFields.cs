namespace ReleaseManagement.Releases;

/// <summary>The field rules the request validators share: required and optional text, and the person acting.</summary>
public static class RequestFields
{
    public const int MaxReasonLength = 1000;
    public const int MaxNoteLength = 2000;

    /// <summary>Trimmed text, or null with <paramref name="missing"/> recorded when there is none.</summary>
    public static string? Required(string? value, string field, string missing, int max, ValidationErrors errors)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            errors.Add(field, missing);
            return null;
        }

        return Optional(text, field, max, errors);
    }

    /// <summary>Trimmed text, null when there is none (or it is longer than <paramref name="max"/>, which is recorded).</summary>
    public static string? Optional(string? value, string field, int max, ValidationErrors errors)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (text.Length > max)
        {
            errors.Add(field, $"'{field}' must be at most {max} characters.");
            return null;
        }

        return text;
    }

    /// <summary>The email address of the person acting (<see cref="EmailAddresses"/>), trimmed; required.</summary>
    public static string? Person(string? value, string field, ValidationErrors errors)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            errors.Add(field, $"'{field}' is required: the email address of the person acting.");
            return null;
        }

        if (!EmailAddresses.IsValid(text))
        {
            errors.Add(field, $"'{field}' must be an email address.");
            return null;
        }

        return text;
    }

    /// <summary>The failure for a missing body, as <see cref="ReleaseRequestShape"/> reports it.</summary>
    internal static ValidationResult<T> NoBody<T>()
        where T : class
    {
        var errors = new ValidationErrors();
        errors.Add("body", "A JSON object is required.");
        return ValidationResult<T>.Failure(errors.ToDictionary());
    }
}
