using ReleaseManagement.Ports;

namespace ReleaseManagement.Policy;

/// <summary>
/// The one window a release's health is measured over, for the post-deployment validation and every reading of the
/// post-release monitor: from the production deployment until now (at least <see cref="MinimumLength"/>, reaching back
/// before the deployment when it is that recent), against a baseline as long just before it.
/// </summary>
public static class HealthWindow
{
    /// <summary>The shortest window measured: a release deployed a minute ago is compared over this much.</summary>
    public static readonly TimeSpan MinimumLength = TimeSpan.FromMinutes(5);

    public static HealthQuery For(string releaseId, IReadOnlyList<string> systems, DateTimeOffset deployedAt, DateTimeOffset now)
    {
        var start = now - deployedAt < MinimumLength ? now - MinimumLength : deployedAt;
        var length = now - start;
        return new HealthQuery(releaseId, systems, start, now, start - length, start);
    }
}
