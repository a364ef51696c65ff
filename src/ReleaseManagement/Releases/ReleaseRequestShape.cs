using System.Globalization;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Releases;

/// <summary>
/// Structural validation of a release request: every field is checked and every problem reported.
/// Rules that depend on the release policy (planning horizons, known systems, approvers) are applied on top of this.
/// </summary>
public static class ReleaseRequestShape
{
    public const int MaxTitleLength = 200;
    public const int MaxSystems = 20;
    public const int MaxApproverRoles = 20;
    public const int MaxPeoplePerRole = 20;
    public const int MaxScopeItems = 30;
    public const int MaxScopeTitleLength = 200;
    public const int MaxLinkLength = 500;
    public const int MaxNotesLength = 4000;

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
        if (requestedBy is not null && !EmailAddresses.IsValid(requestedBy))
        {
            errors.Add("requestedBy", "The requester must be an email address.");
        }

        var approvers = ValidateApprovers(body.Approvers, errors);
        var audiences = ValidateAudiences(body.Audiences, errors);

        ChangeCategory? category = null;
        if (!string.IsNullOrWhiteSpace(body.ChangeCategory))
        {
            if (TryParseName<ChangeCategory>(body.ChangeCategory, out var c))
            {
                category = c;
            }
            else
            {
                errors.Add("changeCategory", $"'{body.ChangeCategory}' is not a change category: use one of {Names<ChangeCategory>()}.");
            }
        }

        var impact = ParseRating(body.Impact, "impact", errors);
        var probability = ParseRating(body.Probability, "probability", errors);
        var scope = ValidateScope(body.Scope, errors);
        var notes = string.IsNullOrWhiteSpace(body.Notes) ? null : body.Notes.Trim();
        if (notes is { Length: > MaxNotesLength })
        {
            errors.Add("notes", $"The notes must be at most {MaxNotesLength} characters.");
        }

        var objectives = ObjectiveShape.Validate(body.Objectives, errors);
        var featureFlags = FeatureFlagShape.Validate(body.FeatureFlags, errors);
        if (errors.Any)
        {
            return ValidationResult<ReleaseRequest>.Failure(errors.ToDictionary());
        }

        return ValidationResult<ReleaseRequest>.Success(
            new ReleaseRequest(body.Id!, title!, type, systems, targetDate, requestedBy, approvers, category, impact, probability, scope, notes,
                Audiences: audiences, Objectives: objectives, FeatureFlags: featureFlags));
    }

    public static bool TryParseType(string value, out ReleaseType type) => TryParseName(value, out type);

    /// <summary>Parses an enum by name only (case-insensitive): numbers are refused so "1" is not a release type.</summary>
    public static bool TryParseName<T>(string value, out T result)
        where T : struct, Enum =>
        Enum.TryParse(value.Trim(), ignoreCase: true, out result) && Enum.IsDefined(result) && !int.TryParse(value, out _);

    private static string Names<T>()
        where T : struct, Enum => string.Join(", ", Enum.GetNames<T>());

    private static RiskRating ParseRating(string? value, string field, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return RiskRating.Medium;
        }

        if (TryParseName<RiskRating>(value, out var rating))
        {
            return rating;
        }

        errors.Add(field, $"'{value}' is not a rating: use one of {Names<RiskRating>()}.");
        return RiskRating.Medium;
    }

    /// <summary>The scope: each item a title, a kind (feature, fix, configuration, security) and an optional http(s) link.</summary>
    private static IReadOnlyList<ScopeItem>? ValidateScope(List<ScopeItemBody?>? body, ValidationErrors errors)
    {
        if (body is null || body.Count == 0)
        {
            return null;
        }

        if (body.Count > MaxScopeItems)
        {
            errors.Add("scope", $"At most {MaxScopeItems} scope items may be named.");
            return null;
        }

        var result = new List<ScopeItem>();
        for (var i = 0; i < body.Count; i++)
        {
            var item = body[i];
            var at = $"scope[{i}]";
            if (item is null)
            {
                errors.Add(at, "A scope item is an object with a title, a kind and an optional link.");
                continue;
            }

            var title = item.Title?.Trim();
            if (string.IsNullOrEmpty(title))
            {
                errors.Add($"{at}.title", "A scope item needs a title.");
            }
            else if (title.Length > MaxScopeTitleLength)
            {
                errors.Add($"{at}.title", $"A scope item's title must be at most {MaxScopeTitleLength} characters.");
            }

            ScopeKind kind = default;
            if (string.IsNullOrWhiteSpace(item.Kind))
            {
                errors.Add($"{at}.kind", $"A scope item needs a kind: one of {ScopeKinds}.");
            }
            else if (!TryParseName(item.Kind, out kind))
            {
                errors.Add($"{at}.kind", $"'{item.Kind}' is not a scope kind: use one of {ScopeKinds}.");
            }

            var link = string.IsNullOrWhiteSpace(item.Link) ? null : item.Link.Trim();
            if (link is not null && (link.Length > MaxLinkLength || !Uri.TryCreate(link, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
            {
                errors.Add($"{at}.link", $"A scope item's link must be an absolute http or https URL of at most {MaxLinkLength} characters.");
            }

            if (!string.IsNullOrEmpty(title))
            {
                result.Add(new ScopeItem(title, kind, link));
            }
        }

        return result;
    }

    /// <summary>Per-release additions to the policy's audiences: audience name to email addresses.</summary>
    private static IReadOnlyDictionary<string, IReadOnlyList<string>>? ValidateAudiences(Dictionary<string, List<string?>?>? body, ValidationErrors errors)
    {
        if (body is null || body.Count == 0)
        {
            return null;
        }

        if (body.Count > MaxApproverRoles)
        {
            errors.Add("audiences", $"At most {MaxApproverRoles} audiences may be named.");
            return null;
        }

        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (rawName, people) in body)
        {
            var name = rawName.Trim();
            if (name.Length == 0 || name.Contains(':', StringComparison.Ordinal) || name.Contains('@', StringComparison.Ordinal))
            {
                errors.Add("audiences", $"'{rawName}' is not an audience name.");
                continue;
            }

            if (people is null || people.Count == 0 || people.Count > MaxPeoplePerRole)
            {
                errors.Add($"audiences.{name}", $"Name 1 to {MaxPeoplePerRole} people for the audience, or leave it out.");
                continue;
            }

            var list = new List<string>();
            for (var i = 0; i < people.Count; i++)
            {
                var person = people[i]?.Trim();
                if (string.IsNullOrEmpty(person) || !EmailAddresses.IsValid(person))
                {
                    errors.Add($"audiences.{name}[{i}]", "An audience member added by a release must be an email address.");
                }
                else if (!list.Contains(person, StringComparer.OrdinalIgnoreCase))
                {
                    list.Add(person);
                }
            }

            result[name] = list;
        }

        return result;
    }

    private static string ScopeKinds => string.Join(", ", Enum.GetNames<ScopeKind>().Select(n => n.ToLowerInvariant()));

    private static IReadOnlyDictionary<string, IReadOnlyList<string>>? ValidateApprovers(Dictionary<string, List<string?>?>? body, ValidationErrors errors)
    {
        if (body is null || body.Count == 0)
        {
            return null;
        }

        if (body.Count > MaxApproverRoles)
        {
            errors.Add("approvers", $"At most {MaxApproverRoles} roles may be named.");
            return null;
        }

        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (rawRole, people) in body)
        {
            var role = rawRole.Trim();
            if (role.Length == 0)
            {
                errors.Add("approvers", "A role name must not be empty.");
                continue;
            }

            if (people is null || people.Count == 0)
            {
                errors.Add($"approvers.{role}", "Name at least one person for the role, or leave the role out.");
                continue;
            }

            if (people.Count > MaxPeoplePerRole)
            {
                errors.Add($"approvers.{role}", $"At most {MaxPeoplePerRole} people may be named for a role.");
                continue;
            }

            var list = new List<string>();
            for (var i = 0; i < people.Count; i++)
            {
                var person = people[i]?.Trim();
                if (string.IsNullOrEmpty(person) || !EmailAddresses.IsValid(person))
                {
                    errors.Add($"approvers.{role}[{i}]", "An approver must be an email address.");
                }
                else if (!list.Contains(person, StringComparer.OrdinalIgnoreCase))
                {
                    list.Add(person);
                }
            }

            result[role] = list;
        }

        return result;
    }
}
