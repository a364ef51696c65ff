using ReleaseManagement.Policy;

namespace ReleaseFunctions.TestSupport;

/// <summary>
/// A system of one test's own, so that its releases share a production window with no other test's: every request and
/// reschedule rewrites the window-conflict warnings of the active releases on its systems and date, and tests that all
/// use Billing on the same Tuesday made each request rewrite dozens of other tests' releases. (In Shared/Pipelines because
/// it needs the core, which Infrastructure.Tests does not reference.)
/// </summary>
public static class OwnSystem
{
    /// <summary>A system name no other test uses.</summary>
    public static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>The built-in policy with <paramref name="systems"/> added (no approvers or audiences of their own), letting requests name approvers.</summary>
    public static ReleasePolicy Policy(params string[] systems)
    {
        var policy = ReleasePolicyDefaults.Create();
        var all = policy.Systems.ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        foreach (var system in systems)
        {
            all[system] = new SystemPolicy { Description = "A test's own system", Approvers = new Dictionary<string, IReadOnlyList<string>>() };
        }

        // Requests name the shared test approvers (ValidRelease.Approvers), whom this policy's directory does not name.
        return policy with { Systems = all, Access = new() { RequestMayNameApprovers = true } };
    }

    /// <summary>That policy written to a new temporary file, for a host's <c>Policy__Path</c>.</summary>
    public static string PolicyFile(params string[] systems)
    {
        var path = Path.Combine(Path.GetTempPath(), $"release-policy-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, PolicyJson.Serialize(Policy(systems)));
        return path;
    }
}
