using ReleaseManagement.Ports;

namespace ReleaseManagement.Policy;

/// <summary>
/// The windows a release's health is measured over, each against a baseline of the same length just before it:
/// <list type="bullet">
/// <item><see cref="For"/>, the watch's rule (every reading of the post-release monitor): from the production deployment
/// until now, at least <see cref="MinimumLength"/>, reaching back before the deployment when it is that recent.</item>
/// <item><see cref="AfterDeployment"/>, the post-deployment validation's: a fixed window starting at the deployment,
/// read once it has passed (<see cref="SuccessCriteria.ValidationDelay"/>), against the same length ending at the
/// deployment, so the validation compares post-deployment data with pre-deployment data only.</item>
/// </list>
/// </summary>
public static class HealthWindow
{
    /// <summary>The shortest window <see cref="For"/> measures: a release deployed a minute ago is compared over this much.</summary>
    public static readonly TimeSpan MinimumLength = TimeSpan.FromMinutes(5);

    /// <summary>The watch's window: from <paramref name="deployedAt"/> until <paramref name="now"/> (at least <see cref="MinimumLength"/>).</summary>
    public static HealthQuery For(string releaseId, IReadOnlyList<string> systems, DateTimeOffset deployedAt, DateTimeOffset now)
    {
        var start = now - deployedAt < MinimumLength ? now - MinimumLength : deployedAt;
        var length = now - start;
        // A deployment recorded implausibly long ago (a damaged or imported row) must not make the baseline unrepresentable.
        var baselineStart = start - DateTimeOffset.MinValue > length ? start - length : DateTimeOffset.MinValue;
        return new HealthQuery(releaseId, systems, start, now, baselineStart, start);
    }

    /// <summary>
    /// The validation's window: [<paramref name="deployedAt"/>, <paramref name="deployedAt"/> + <paramref name="length"/>]
    /// against the baseline [<paramref name="deployedAt"/> − <paramref name="length"/>, <paramref name="deployedAt"/>].
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is not positive.</exception>
    public static HealthQuery AfterDeployment(string releaseId, IReadOnlyList<string> systems, DateTimeOffset deployedAt, TimeSpan length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(length, TimeSpan.Zero);
        return new HealthQuery(releaseId, systems, deployedAt, deployedAt + length, deployedAt - length, deployedAt);
    }
}
