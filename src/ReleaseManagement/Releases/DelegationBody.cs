using System.Globalization;
using System.Text.RegularExpressions;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Releases;

/// <summary>
/// The body of <c>POST /api/delegations</c> as received (validated by <see cref="DelegationRequestValidator"/>): its id
/// (chosen by the caller, so a retry stores nothing new), who delegates (<c>by</c>: the signed-in person, filled in when
/// left out), to whom, which roles (left out: all), the period (<c>from</c> left out: now) and why.
/// </summary>
public sealed record DelegationBody(
    string? Id = null,
    string? By = null,
    string? To = null,
    IReadOnlyList<string>? Roles = null,
    string? From = null,
    string? Until = null,
    string? Reason = null);

/// <summary>The body of <c>POST /api/delegations/{id}/cancel</c>: who cancels (the signed-in person; may be left out, as may the whole body).</summary>
public sealed record DelegationCancelBody(string? By = null);

/// <summary>A delegation request of the right shape (its rules are <see cref="Delegations.Check"/>'s).</summary>
public sealed record DelegationRequest(string Id, string By, string To, IReadOnlyList<string> Roles, DateTimeOffset From, DateTimeOffset Until, string? Reason);

/// <summary>
/// The shape of a delegation request: an id of letters, digits, '.', '_' and '-' (at most 64), email addresses for
/// <c>by</c> and <c>to</c>, role names, and times: an ISO 8601 instant, or a day (<c>YYYY-MM-DD</c>) meaning its start in
/// the policy's time zone (so <c>until</c> is the day one is back).
/// </summary>
public static partial class DelegationRequestValidator
{
    public const int MaxIdLength = 64;
    public const int MaxRoles = 20;
    public const int MaxReasonLength = 500;

    public static bool IsValidId(string? id) => id is { Length: > 0 and <= MaxIdLength } && IdPattern().IsMatch(id);

    public static ValidationResult<DelegationRequest> Validate(DelegationBody? body, TimeZoneInfo zone, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (body is null)
        {
            return RequestFields.NoBody<DelegationRequest>();
        }

        var errors = new ValidationErrors();
        var id = body.Id?.Trim();
        if (string.IsNullOrEmpty(id))
        {
            errors.Add("id", "The id is required (chosen by the caller: a retry with the same id stores nothing new).");
        }
        else if (!IsValidId(id))
        {
            errors.Add("id", $"The id must be at most {MaxIdLength} letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }

        var by = Person(body.By, "by", "Who delegates", errors);
        var to = Person(body.To, "to", "The delegate", errors);
        var roles = (body.Roles ?? []).Select(r => r?.Trim() ?? "").ToArray();
        if (roles.Length > MaxRoles)
        {
            errors.Add("roles", $"At most {MaxRoles} roles.");
        }
        else if (roles.Any(r => r.Length is 0 or > DecisionRequestValidator.MaxRoleLength))
        {
            errors.Add("roles", $"Every role must be a name of 1 to {DecisionRequestValidator.MaxRoleLength} characters.");
        }

        var from = body.From is null or "" ? now : Time(body.From, "from", zone, errors);
        DateTimeOffset? until = null;
        if (string.IsNullOrWhiteSpace(body.Until))
        {
            errors.Add("until", "The end of the period is required.");
        }
        else
        {
            until = Time(body.Until, "until", zone, errors);
        }

        var reason = string.IsNullOrWhiteSpace(body.Reason) ? null : body.Reason.Trim();
        if (reason is { Length: > MaxReasonLength })
        {
            errors.Add("reason", $"The reason must be at most {MaxReasonLength} characters.");
        }

        return errors.Any || from is null || until is null
            ? ValidationResult<DelegationRequest>.Failure(errors.ToDictionary())
            : ValidationResult<DelegationRequest>.Success(new DelegationRequest(
                id!, by!, to!, roles.Distinct(StringComparer.Ordinal).ToArray(), from.Value, until.Value, reason));
    }

    private static string? Person(string? value, string field, string what, ValidationErrors errors)
    {
        var person = value?.Trim();
        if (string.IsNullOrEmpty(person))
        {
            errors.Add(field, $"{what} is required.");
            return null;
        }

        if (!EmailAddresses.IsValid(person))
        {
            errors.Add(field, $"{what} must be an email address.");
            return null;
        }

        return person;
    }

    private static DateTimeOffset? Time(string value, string field, TimeZoneInfo zone, ValidationErrors errors)
    {
        var text = value.Trim();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return PolicyTime.StartOfDay(zone, day);
        }

        if (text.Length > 10 && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at.ToUniversalTime();
        }

        errors.Add(field, $"'{field}' must be a day (YYYY-MM-DD) or an ISO 8601 time.");
        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
