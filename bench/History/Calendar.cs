using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace History;

/// <summary>One release of the calendar as it went (or goes): requested, targeted, ended (or not yet).</summary>
public sealed record PlannedRelease(
    string Id, ReleaseType Type, string System, DateOnly Target, DateTimeOffset RequestedAt, DateTimeOffset DeployAt, ReleaseStatus Status,
    ReleasePhase Phase, int EventCount)
{
    /// <summary>When it ended (production deployed and watched, or cancelled); null while active.</summary>
    public DateTimeOffset? EndedAt => Status == ReleaseStatus.Active ? null : Status == ReleaseStatus.Cancelled ? DeployAt.AddDays(-2) : DeployAt.AddHours(6);
}

/// <summary>
/// A bank's release calendar over the years before <c>today</c>, per system and the procedure's cadence
/// (/work/shared/procedure/release-management.md): a major a quarter, a minor a month, a patch a fortnight and a hotfix a
/// week. A release is requested its planning horizon ahead of its target (major 60 days, minor 30, patch 10, hotfix 1) and
/// deployed to production on its target at 09:00 UTC. Ended releases are Completed, but every 47th Cancelled and every 53rd
/// RolledBack; a release not ended (deploying or watched in the last three days, or requested and not yet due) is Active.
/// </summary>
public static class Calendar
{
    /// <summary>Events per release by type at 100 % (about 200,000 over five years, four systems).</summary>
    public static int EventsOf(ReleaseType type) => type switch
    {
        ReleaseType.Major => 330,
        ReleaseType.Minor => 210,
        ReleaseType.Patch => 130,
        _ => 55,
    };

    public static IReadOnlyList<PlannedRelease> Build(IReadOnlyList<string> systems, DateTimeOffset now, int years, int eventPercent)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var first = today.AddYears(-years);
        var releases = new List<PlannedRelease>();
        for (var k = 0; k < systems.Count; k++)
        {
            var system = systems[k];
            var code = new string(system.Where(char.IsLetter).Take(3).ToArray()).ToLowerInvariant() + k;
            // Majors: the second Tuesday of each quarter's middle month; minors: the third Thursday of every month.
            for (var month = new DateOnly(first.Year, first.Month, 1); month <= today.AddMonths(3); month = month.AddMonths(1))
            {
                if (month.Month % 3 == 2)
                {
                    Add(ReleaseType.Major, Nth(month, DayOfWeek.Tuesday, 2), 60);
                }

                Add(ReleaseType.Minor, Nth(month, DayOfWeek.Thursday, 3), 30);
            }

            // Patches every other Tuesday (systems alternate weeks), hotfixes every Wednesday.
            var tuesday = Next(first, DayOfWeek.Tuesday).AddDays(7 * (k % 2));
            for (var d = tuesday; d <= today.AddDays(14); d = d.AddDays(14))
            {
                Add(ReleaseType.Patch, d, 10);
            }

            for (var d = Next(first, DayOfWeek.Wednesday); d <= today.AddDays(1); d = d.AddDays(7))
            {
                Add(ReleaseType.Hotfix, d, 1);
            }

            void Add(ReleaseType type, DateOnly target, int horizonDays)
            {
                if (target < first)
                {
                    return;
                }

                var deployAt = new DateTimeOffset(target.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);
                var requestedAt = deployAt.AddDays(-horizonDays).AddHours(-k);
                if (requestedAt > now)
                {
                    return; // not requested yet
                }

                var id = $"{code}-{type.ToString().ToLowerInvariant()}-{target:yyyyMMdd}";
                var n = releases.Count + 1;
                var (status, phase) = deployAt.AddDays(3) > now
                    ? (ReleaseStatus.Active, PhaseOf(requestedAt, deployAt, now))
                    : n % 47 == 0 ? (ReleaseStatus.Cancelled, ReleasePhase.Closed)
                    : n % 53 == 0 ? (ReleaseStatus.RolledBack, ReleasePhase.Closed)
                    : (ReleaseStatus.Completed, ReleasePhase.Closed);
                var events = Math.Max(8, EventsOf(type) * eventPercent / 100);
                releases.Add(new PlannedRelease(id, type, system, target, requestedAt, deployAt, status, phase, events));
            }
        }

        return releases.OrderBy(r => r.RequestedAt).ToArray();
    }

    private static ReleasePhase PhaseOf(DateTimeOffset requestedAt, DateTimeOffset deployAt, DateTimeOffset now)
    {
        if (now >= deployAt)
        {
            return ReleasePhase.PostRelease;
        }

        var share = (now - requestedAt) / (deployAt - requestedAt);
        return share switch
        {
            < 0.2 => ReleasePhase.Planning,
            < 0.6 => ReleasePhase.Development,
            < 0.9 => ReleasePhase.Promotion,
            _ => ReleasePhase.Deployment,
        };
    }

    private static DateOnly Nth(DateOnly month, DayOfWeek day, int n) => Next(month, day).AddDays(7 * (n - 1));

    private static DateOnly Next(DateOnly from, DayOfWeek day)
    {
        while (from.DayOfWeek != day)
        {
            from = from.AddDays(1);
        }

        return from;
    }

    /// <summary>
    /// The release's pipeline events up to <paramref name="now"/>: merges, each with its pipeline run and test suite run,
    /// through development; an artifact; deployments to development, integration and staging, then production on its target
    /// (not for a cancelled release), and a production rollback for a rolled-back one.
    /// </summary>
    public static IEnumerable<CanonicalEvent> EventsOf(PlannedRelease r, DateTimeOffset now)
    {
        var span = r.DeployAt - r.RequestedAt;
        var deployments = r.Status == ReleaseStatus.Cancelled ? 3 : 4;
        var rollback = r.Status == ReleaseStatus.RolledBack ? 1 : 0;
        var builds = Math.Max(1, (r.EventCount - 1 - deployments - rollback) / 3);
        var n = 0;
        var version = $"{r.Target:yyyy.M.d}";
        for (var i = 0; i < builds; i++)
        {
            var at = r.RequestedAt + (span * (0.1 + (0.5 * i / builds)));
            yield return Event(CanonicalEventType.ChangeMerged, at, null, EventOutcomes.Success, new() { [EventAttributes.Change] = $"{i + 1}" });
            yield return Event(CanonicalEventType.PipelineRunFinished, at.AddMinutes(7), null, i % 11 == 5 ? EventOutcomes.Failure : EventOutcomes.Success,
                new() { [EventAttributes.Pipeline] = "build", [EventAttributes.Run] = $"{i + 1}" });
            yield return Event(CanonicalEventType.TestSuiteRunFinished, at.AddMinutes(12), null, EventOutcomes.Success,
                new() { [EventAttributes.TestsPassed] = "412", [EventAttributes.TestsFailed] = "0", [EventAttributes.Coverage] = "81.5" });
        }

        yield return Event(CanonicalEventType.ArtifactPublished, r.RequestedAt + (span * 0.62), null, EventOutcomes.Success, new() { [EventAttributes.Version] = version });
        string[] environments = ["development", "integration", "staging", "production"];
        double[] shares = [0.65, 0.75, 0.9, 1.0];
        for (var e = 0; e < deployments; e++)
        {
            yield return Event(CanonicalEventType.ServiceDeployed, r.RequestedAt + (span * shares[e]), environments[e], EventOutcomes.Success,
                new() { [EventAttributes.Version] = version });
        }

        if (rollback == 1)
        {
            yield return Event(CanonicalEventType.ServiceRolledBack, r.DeployAt.AddHours(2), "production", EventOutcomes.Success, new() { [EventAttributes.Version] = version });
        }

        CanonicalEvent Event(CanonicalEventType type, DateTimeOffset at, string? environment, string outcome, Dictionary<string, string> attributes) =>
            new($"{r.Id}-e{n++:D4}", "bench", type, at, r.Id, r.System, environment, outcome, attributes);
    }
}
