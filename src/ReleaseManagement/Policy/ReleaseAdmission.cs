using System.Globalization;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy;

/// <summary>The warning codes the admission rules raise.</summary>
public static class AdmissionWarnings
{
    /// <summary>The release is closer to another release of its type for one of its systems than the type's cadence allows.</summary>
    public const string OverCadence = "over-cadence";

    /// <summary>The release shares a system with another active release in the same production window.</summary>
    public const string WindowConflict = "window-conflict";
}

/// <summary>
/// A release collides with <see cref="Other"/> on <see cref="System"/>: both are of the same type and closer than the
/// type's cadence allows.
/// </summary>
public sealed record CadenceCollision(string ReleaseId, string OtherId, DateOnly OtherTargetDate, ReleaseStatus OtherStatus, string System);

/// <summary>
/// What the cadence and conflict rules say about one release (new or rescheduled) against the other stored releases:
/// <see cref="ReleaseAdmission.Check"/>. <see cref="Zone"/> is the policy's time zone, in which messages show times.
/// </summary>
public sealed record AdmissionCheck(
    ReleaseRequest Release,
    ReleaseCadence? Cadence,
    FrequencyRule FrequencyRule,
    IReadOnlyList<CadenceCollision> CadenceCollisions,
    ConflictRule ConflictRule,
    IReadOnlyList<ReleaseConflict> Conflicts,
    TimeZoneInfo Zone)
{
    /// <summary>Whether the release is refused (a rule set to <c>Refuse</c> that finds something).</summary>
    public bool Refused => Errors.Count > 0;

    /// <summary>The refusal, by field (<c>cadence</c>, <c>conflicts</c>), each message naming the releases and their target dates; empty when accepted.</summary>
    public IReadOnlyDictionary<string, string[]> Errors
    {
        get
        {
            var errors = new ValidationErrors();
            if (FrequencyRule == FrequencyRule.Refuse && CadenceCollisions.Count > 0)
            {
                errors.Add("cadence", CadenceMessage());
            }

            if (ConflictRule == ConflictRule.Refuse && Conflicts.Count > 0)
            {
                errors.Add("conflicts", ConflictMessage(Release, Conflicts, Zone));
            }

            return errors.ToDictionary();
        }
    }

    /// <summary>The releases the refusal or the warnings name: id, target date and why, once per release.</summary>
    public IReadOnlyList<(string Id, DateOnly TargetDate, string Rule)> Collisions =>
        CadenceCollisions.Select(c => (c.OtherId, c.OtherTargetDate, "cadence"))
            .Concat(Conflicts.Select(c => (c.OtherId, c.OtherTargetDate, "conflict")))
            .Distinct()
            .ToArray();

    /// <summary>The roles the plan approval gains: the release manager when the type's rule is <c>RequireApproval</c> and the release is over its cadence.</summary>
    public IReadOnlyList<string> ExtraPlanApprovalRoles => ReleaseAdmission.CadenceApprovalRoles(FrequencyRule, CadenceCollisions.Count > 0);

    /// <summary>The warnings the release carries when accepted (none when refused).</summary>
    public IReadOnlyList<ReleaseWarning> Warnings(DateTimeOffset at)
    {
        if (Refused)
        {
            return [];
        }

        var warnings = new List<ReleaseWarning>();
        if (CadenceCollisions.Count > 0)
        {
            var message = CadenceMessage() + (FrequencyRule == FrequencyRule.RequireApproval ? " The release manager must approve the plan." : string.Empty);
            warnings.Add(new ReleaseWarning(AdmissionWarnings.OverCadence, message, at));
        }

        if (Conflicts.Count > 0)
        {
            warnings.Add(new ReleaseWarning(AdmissionWarnings.WindowConflict, ConflictMessage(Release, Conflicts, Zone), at));
        }

        return warnings;
    }

    /// <summary>The ids of the other releases this release conflicts with (named in its warning, up to <see cref="MaxNamed"/>; they are not written to).</summary>
    public IReadOnlyList<string> ConflictingReleaseIds => Conflicts.Select(c => c.OtherId).Distinct(StringComparer.Ordinal).ToArray();

    private string CadenceMessage()
    {
        var named = CadenceCollisions
            .GroupBy(c => (c.OtherId, c.OtherTargetDate))
            .Select(g => $"{g.Key.OtherId} ({Date(g.Key.OtherTargetDate)}, {string.Join(", ", g.Select(c => c.System).Distinct(StringComparer.OrdinalIgnoreCase))})");
        return $"Over the {Release.Type} cadence ({Cadence?.Describe() ?? "none"} between releases of a system): " +
            $"{Release.Id} on {Date(Release.TargetDate)} is less than {Cadence?.Describe()} from {NameFew(named.ToArray())}.";
    }

    /// <summary>
    /// The conflict warning of <paramref name="release"/> naming the first <see cref="MaxNamed"/> releases in
    /// <paramref name="conflicts"/> and counting the others; the window's
    /// opening as the wall clock of the policy's time zone <paramref name="zone"/>, the zone named, as the notices show
    /// times (<see cref="PolicyTime.DescribeLocal"/>).
    /// </summary>
    public static string ConflictMessage(ReleaseRequest release, IReadOnlyList<ReleaseConflict> conflicts, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(release);
        ArgumentNullException.ThrowIfNull(conflicts);
        ArgumentNullException.ThrowIfNull(zone);
        var slot = conflicts.Count > 0 ? conflicts[0].Slot : null;
        var where = slot?.Window is { } w
            ? $"the production window of {Date(slot.Date)} (opening {PolicyTime.DescribeLocal(zone, w.Start)})"
            : $"{Date(slot?.Date ?? release.TargetDate)}";
        var named = conflicts
            .GroupBy(c => (c.OtherId, c.OtherTargetDate))
            .Select(g => $"{g.Key.OtherId} (target {Date(g.Key.OtherTargetDate)}, {string.Join(", ", g.Select(c => c.System))})");
        return $"Production window conflict: {release.Id} shares {where} with {NameFew(named.ToArray())}.";
    }

    /// <summary>How many releases a warning or a refusal names; the others are counted ("and 12 more").</summary>
    public const int MaxNamed = 3;

    /// <summary>The first <see cref="MaxNamed"/> of <paramref name="named"/>, then "and N more" when there are others.</summary>
    private static string NameFew(IReadOnlyList<string> named) =>
        string.Join("; ", named.Take(MaxNamed))
        + (named.Count > MaxNamed ? string.Create(CultureInfo.InvariantCulture, $" and {named.Count - MaxNamed} more") : string.Empty);

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>
/// The request-time cadence and conflict rules (<see cref="ReleaseTypePolicy.FrequencyRule"/>,
/// <see cref="ReleaseWindowPolicy.Conflicts"/>) as pure functions of the policy, the release and the other releases.
/// </summary>
public static class ReleaseAdmission
{
    /// <summary>The roles a release over its type's cadence adds to its plan approval: the release manager under <see cref="FrequencyRule.RequireApproval"/>.</summary>
    internal static IReadOnlyList<string> CadenceApprovalRoles(FrequencyRule rule, bool overCadence) =>
        rule == FrequencyRule.RequireApproval && overCadence ? [PolicyRoles.ReleaseManager] : [];

    /// <summary>
    /// The roles the admission of a stored release added to its plan approval (<see cref="AdmissionCheck.ExtraPlanApprovalRoles"/>),
    /// from the over-cadence warning it carries.
    /// </summary>
    public static IReadOnlyList<string> ExtraPlanApprovalRoles(ReleasePolicy policy, ReleaseRecord record)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(record);
        var rule = policy.ReleaseTypes.TryGetValue(record.Request.Type, out var typePolicy) ? typePolicy.FrequencyRule : FrequencyRule.Warn;
        return CadenceApprovalRoles(rule, (record.Warnings ?? []).Any(w => w.Code == AdmissionWarnings.OverCadence));
    }

    /// <summary>The statuses a release counts for its type's cadence: it is going ahead or it took place (not cancelled, rejected, failed or rolled back).</summary>
    public static bool CountsForCadence(ReleaseStatus status) => status is ReleaseStatus.Active or ReleaseStatus.Completed;

    /// <summary>
    /// Checks <paramref name="release"/> (new, or with its new target date) against <paramref name="others"/> (the release
    /// itself, by id, is ignored). Cadence: another release of the same type that counts (<see cref="CountsForCadence"/>),
    /// touches one of its systems and whose target date is less than one cadence period from its own
    /// (<see cref="ReleaseCadence.Collides"/>). Conflicts: <see cref="ReleaseConflicts.For"/>.
    /// </summary>
    public static AdmissionCheck Check(ReleasePolicy policy, ReleaseRequest release, IReadOnlyList<ReleaseRecord> others)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(release);
        ArgumentNullException.ThrowIfNull(others);
        var rule = policy.ReleaseTypes.TryGetValue(release.Type, out var typePolicy) ? typePolicy.FrequencyRule : FrequencyRule.Warn;
        var cadence = ReleaseCadence.Of(policy, release.Type);
        var collisions = cadence is null
            ? []
            : others
                .Where(o => o.Request.Type == release.Type
                    && CountsForCadence(o.Status)
                    && !string.Equals(o.Request.Id, release.Id, StringComparison.Ordinal)
                    && cadence.Collides(o.Request.TargetDate, release.TargetDate))
                .OrderBy(o => o.Request.TargetDate)
                .ThenBy(o => o.Request.Id, StringComparer.Ordinal)
                .SelectMany(o => release.Systems.Distinct(StringComparer.OrdinalIgnoreCase)
                    .Where(s => o.Request.Systems.Contains(s, StringComparer.OrdinalIgnoreCase))
                    .Select(s => new CadenceCollision(release.Id, o.Request.Id, o.Request.TargetDate, o.Status, s)))
                .ToArray();
        var conflicts = ReleaseConflicts.For(policy, release, others);
        return new AdmissionCheck(release, cadence, rule, collisions, policy.ReleaseWindows.Conflicts, conflicts, PolicyTime.Zone(policy));
    }

    /// <summary>
    /// The target dates whose releases the check of <paramref name="release"/> needs (for a narrow store query): the cadence's
    /// collision range and the weeks before the release's production slot (a release targeting an earlier day may wait for
    /// the same window). Both ends inclusive.
    /// </summary>
    public static (DateOnly From, DateOnly To) TargetRange(ReleasePolicy policy, ReleaseRequest release)
    {
        ArgumentNullException.ThrowIfNull(release);
        var slot = ProductionSlot.Of(policy, release, ProductionSlot.AsPlanned);
        var from = release.TargetDate.AddDays(-ConflictLookBackDays);
        var to = slot.Date > release.TargetDate ? slot.Date : release.TargetDate;
        if (ReleaseCadence.Of(policy, release.Type) is { } cadence)
        {
            var (cadenceFrom, cadenceTo) = cadence.CollisionRange(release.TargetDate);
            from = cadenceFrom < from ? cadenceFrom : from;
            to = cadenceTo > to ? cadenceTo : to;
        }

        return (from, to);
    }

    /// <summary>How many days before a release's target date another release may target and still wait for the same window.</summary>
    public const int ConflictLookBackDays = 62;
}
