using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy;

/// <summary>
/// The policy's rules for a structurally valid release request: the type's planning horizon, the change category's
/// release types and maximum risk (refused, or reclassified: the result then carries the new category), known systems, an
/// approver for every required role of every stage the release goes through (the stages its category's approval route
/// keeps, with the roles the risk and the category add), and (for types that use windows) a production window on the
/// target date. Every problem is reported, keyed by field like <see cref="ReleaseRequestShape"/>.
/// </summary>
public static class ReleaseRequestPolicyRules
{
    /// <param name="now">The current time; "today" is its date in the policy time zone.</param>
    /// <param name="releaseApprovers">Role to people named for this release, when the request names any.</param>
    public static ValidationResult<ReleaseRequest> Validate(
        ReleasePolicy policy,
        ReleaseRequest request,
        DateTimeOffset now,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? releaseApprovers = null)
    {
        var errors = new ValidationErrors();
        var zone = PolicyTime.Zone(policy);
        var today = PolicyTime.LocalDate(zone, now);

        if (!policy.ReleaseTypes.TryGetValue(request.Type, out var typePolicy))
        {
            errors.Add("type", $"The policy defines no {request.Type} release type.");
            return ValidationResult<ReleaseRequest>.Failure(errors.ToDictionary());
        }

        releaseApprovers ??= request.Approvers;
        CheckHorizon(request, typePolicy, today, errors);
        request = CheckRisk(policy, request, errors);
        CheckChangeCategory(policy, request, errors);
        CheckSystems(policy, request, errors);
        CheckNamedApproversHoldTheirRoles(policy, request, releaseApprovers, errors);
        CheckApprovers(policy, request, releaseApprovers, errors);
        CheckAudiences(policy, request, errors);
        ObjectiveRules.Check(policy, request, releaseApprovers, errors);
        if (typePolicy.UsesReleaseWindows)
        {
            CheckWindow(policy, zone, request, now, errors);
        }

        return errors.Any
            ? ValidationResult<ReleaseRequest>.Failure(errors.ToDictionary())
            : ValidationResult<ReleaseRequest>.Success(request);
    }

    /// <summary>A release adds people only to audiences the policy (or one of its systems) defines.</summary>
    private static void CheckAudiences(ReleasePolicy policy, ReleaseRequest request, ValidationErrors errors)
    {
        foreach (var name in request.Audiences?.Keys ?? [])
        {
            if (!AudienceResolver.IsAudience(policy, null, name))
            {
                var known = policy.Audiences.Keys.Concat(policy.Systems.Values.SelectMany(s => s.Audiences.Keys)).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal);
                errors.Add($"audiences.{name}", $"'{name}' is not an audience of the policy: use one of {string.Join(", ", known)}.");
            }
        }
    }

    private static void CheckHorizon(ReleaseRequest request, ReleaseTypePolicy typePolicy, DateOnly today, ValidationErrors errors)
    {
        var days = request.TargetDate.DayNumber - today.DayNumber;
        var lead = TimeSpan.FromDays(days);
        var horizon = typePolicy.PlanningHorizon;
        var away = days switch { < 0 => "in the past", 0 => "today", 1 => "1 day away", _ => $"{days} days away" };
        if (lead < horizon.MinLeadTime)
        {
            var earliest = today.AddDays((int)Math.Ceiling(horizon.MinLeadTime.TotalDays));
            errors.Add("targetDate",
                $"A {request.Type} release must be planned at least {PolicyTime.Describe(horizon.MinLeadTime)} ahead: " +
                $"{request.TargetDate:yyyy-MM-dd} is {away} (the earliest allowed target date is {earliest:yyyy-MM-dd}).");
        }
        else if (lead > horizon.MaxLeadTime)
        {
            var latest = today.AddDays((int)Math.Floor(horizon.MaxLeadTime.TotalDays));
            errors.Add("targetDate",
                $"A {request.Type} release may be planned at most {PolicyTime.Describe(horizon.MaxLeadTime)} ahead: " +
                $"{request.TargetDate:yyyy-MM-dd} is {away} (the latest allowed target date is {latest:yyyy-MM-dd}).");
        }
    }

    /// <summary>
    /// A category may cap the risk it accepts: a request assessed above the cap is refused, or moved to the category the
    /// policy names (the returned request carries the new category and the one requested).
    /// </summary>
    private static ReleaseRequest CheckRisk(ReleasePolicy policy, ReleaseRequest request, ValidationErrors errors)
    {
        var category = request.EffectiveChangeCategory;
        if (!policy.ChangeCategories.TryGetValue(category, out var categoryPolicy) || categoryPolicy.MaxRisk is not { } max)
        {
            return request;
        }

        var risk = RiskEvaluator.Assess(policy.RiskMatrix, request.Impact, request.Probability);
        if (risk.Level <= max)
        {
            return request;
        }

        var assessed = $"it is assessed {risk.Level} (impact {request.Impact}, probability {request.Probability})";
        if (categoryPolicy.OnRiskAboveMax == RiskAboveMaxRule.Reclassify && categoryPolicy.ReclassifyAs is { } target)
        {
            return request with { ChangeCategory = target, ReclassifiedFrom = category };
        }

        errors.Add("changeCategory",
            $"A {category} change accepts risk up to {max}, but {assessed}: request it as another change category, or lower the assessed impact or probability.");
        return request;
    }

    private static void CheckChangeCategory(ReleasePolicy policy, ReleaseRequest request, ValidationErrors errors)
    {
        var category = request.EffectiveChangeCategory;
        if (!policy.ChangeCategories.TryGetValue(category, out var categoryPolicy))
        {
            errors.Add("changeCategory", $"The policy defines no {category} change category.");
        }
        else if (!categoryPolicy.AllowedReleaseTypes.Contains(request.Type))
        {
            errors.Add("changeCategory",
                $"A {category} change may not ship as a {request.Type} release: use one of {string.Join(", ", categoryPolicy.AllowedReleaseTypes)}.");
        }
    }

    private static void CheckSystems(ReleasePolicy policy, ReleaseRequest request, ValidationErrors errors)
    {
        for (var i = 0; i < request.Systems.Count; i++)
        {
            if (ApproverDirectory.FindSystem(policy, request.Systems[i]) is null)
            {
                errors.Add($"systems[{i}]",
                    $"'{request.Systems[i]}' is not a known system: use one of {string.Join(", ", policy.Systems.Keys.Order(StringComparer.Ordinal))}.");
            }
        }
    }

    /// <summary>
    /// Unless the policy lets requests name anyone (<see cref="AccessPolicy.RequestMayNameApprovers"/>), the people a request
    /// names for a role must hold that role in the directory (policy-wide or a system of the release): a request may narrow
    /// who approves, never add someone.
    /// </summary>
    private static void CheckNamedApproversHoldTheirRoles(
        ReleasePolicy policy,
        ReleaseRequest request,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? releaseApprovers,
        ValidationErrors errors)
    {
        if (policy.Access.RequestMayNameApprovers || releaseApprovers is null)
        {
            return;
        }

        var directory = ApproverDirectory.Resolve(policy, request.Systems);
        foreach (var (role, people) in releaseApprovers)
        {
            var holders = directory.TryGetValue(role, out var h) ? h : [];
            var outside = people.Select(p => p.Trim()).Where(p => p.Length > 0 && !holders.Contains(p, StringComparer.OrdinalIgnoreCase)).ToArray();
            if (outside.Length > 0)
            {
                errors.Add($"approvers.{role}",
                    $"{string.Join(", ", outside)} {(outside.Length == 1 ? "does" : "do")} not hold role '{role}' in the policy's directory "
                    + $"({(holders.Count == 0 ? "nobody does" : string.Join(", ", holders))}): a request may only narrow the directory (access.requestMayNameApprovers is off).");
            }
        }
    }

    private static void CheckApprovers(
        ReleasePolicy policy,
        ReleaseRequest request,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? releaseApprovers,
        ValidationErrors errors)
    {
        var approvers = ApproverDirectory.Resolve(policy, request.Systems, releaseApprovers);
        var missing = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var onlyRequester = new HashSet<string>(StringComparer.Ordinal);
        var risk = RiskEvaluator.Assess(policy.RiskMatrix, request.Impact, request.Probability);
        var rules = ApprovalPlan.For(policy, request, risk, null).Stages;
        foreach (var (stage, rule) in rules)
        {
            var rolesWithoutApprover = new List<string>();
            foreach (var role in rule.RequiredRoles.Distinct(StringComparer.Ordinal))
            {
                var people = approvers.TryGetValue(role, out var p) ? p : [];
                var usable = rule.RequesterMayApprove || request.RequestedBy is null
                    ? people
                    : people.Where(x => !string.Equals(x, request.RequestedBy.Trim(), StringComparison.OrdinalIgnoreCase)).ToArray();
                if (usable.Count == 0)
                {
                    rolesWithoutApprover.Add(role);
                    if (people.Count > 0)
                    {
                        onlyRequester.Add(role);
                    }
                }
            }

            // All: every role needs someone. Any: one role with someone suffices.
            var failing = rule.Quorum == Quorum.All || rolesWithoutApprover.Count == rule.RequiredRoles.Distinct(StringComparer.Ordinal).Count()
                ? rolesWithoutApprover
                : [];
            foreach (var role in failing)
            {
                if (!missing.TryGetValue(role, out var stages))
                {
                    stages = [];
                    missing[role] = stages;
                }

                stages.Add(stage);
            }
        }

        foreach (var (role, stages) in missing)
        {
            var why = onlyRequester.Contains(role)
                ? $"its only approver is the requester ({request.RequestedBy}), who may not approve their own release"
                : "nobody is configured for it (policy approvers, the release's systems, or the release)";
            errors.Add($"approvers.{role}",
                $"Role '{role}' must approve stage{(stages.Count == 1 ? "" : "s")} {string.Join(", ", stages.Select(s => $"'{s}'"))}, but {why}.");
        }
    }

    private static void CheckWindow(ReleasePolicy policy, TimeZoneInfo zone, ReleaseRequest request, DateTimeOffset now, ValidationErrors errors)
    {
        // The slot the release would wait for from now: the target date is fine when that window is open on it.
        var slot = ProductionSlot.Of(policy, request.TargetDate, now);
        if (slot.HasWindowOn(policy, request.TargetDate))
        {
            return;
        }

        var next = slot.Window;
        var blackout = policy.ReleaseWindows.Blackouts.FirstOrDefault(b => b.From <= request.TargetDate && request.TargetDate <= b.To);
        var because = blackout is not null
            ? $"falls in the blackout {blackout.From:yyyy-MM-dd} to {blackout.To:yyyy-MM-dd} ({blackout.Reason})"
            : $"({request.TargetDate.DayOfWeek}) has no open production release window";
        var suggestion = next is null
            ? $"no production window opens in the next {WindowCalendar.SearchDays} days."
            : $"the next window opens {PolicyTime.DescribeLocal(zone, next.Start)} (target date {PolicyTime.LocalDate(zone, next.Start):yyyy-MM-dd}).";
        errors.Add("targetDate", $"{request.TargetDate:yyyy-MM-dd} {because}; {suggestion}");
    }
}
