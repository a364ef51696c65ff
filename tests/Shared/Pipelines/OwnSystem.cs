using ReleaseManagement.Policy;

namespace ReleaseFunctions.TestSupport;

/// <summary>
/// A system of one test's own, so that its releases share a production window with no other test's: every request and
/// reschedule rewrites the window-conflict warnings of the active releases on its systems and date, and every test
/// project's hosts write the same Releases table on the one Azurite, so tests that all used Billing on the same Tuesday
/// made each request rewrite dozens of other tests' releases (and read their warnings). (In Shared/Pipelines because it
/// needs the core, which Infrastructure.Tests does not reference.)
/// </summary>
public static class OwnSystem
{
    /// <summary>A system name no other test uses.</summary>
    public static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>
    /// The built-in policy with <paramref name="systems"/> added (no approvers or audiences of their own), letting requests
    /// name approvers: they name the shared test approvers (ValidRelease.Approvers), whom the built-in directory does not.
    /// </summary>
    public static ReleasePolicy Policy(params string[] systems)
    {
        var policy = AddTo(ReleasePolicyDefaults.Create(), systems);
        return policy with { Access = policy.Access with { RequestMayNameApprovers = true, PeopleMayReportMachineEvidence = true } };
    }

    /// <summary><paramref name="policy"/> with <paramref name="systems"/> added (no approvers or audiences of their own).</summary>
    public static ReleasePolicy AddTo(ReleasePolicy policy, IEnumerable<string> systems)
    {
        var all = policy.Systems.ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        foreach (var system in systems)
        {
            all[system] = new SystemPolicy { Description = "A test's own system", Approvers = new Dictionary<string, IReadOnlyList<string>>() };
        }

        return policy with { Systems = all };
    }

    /// <summary>That policy written to a new temporary file, for a host's <c>Policy__Path</c>.</summary>
    public static string PolicyFile(params string[] systems) => Write(Policy(systems));

    /// <summary><paramref name="policy"/> written to a new temporary file, for a host's <c>Policy__Path</c>.</summary>
    public static string Write(ReleasePolicy policy)
    {
        var path = Path.Combine(Path.GetTempPath(), $"release-policy-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, PolicyJson.Serialize(policy));
        return path;
    }
}

/// <summary>
/// The systems of one shared host (a class fixture): its policy lists them all, and each test takes the next one, so a
/// test's releases are the only ones on their system however many tests share the host.
/// </summary>
public sealed class OwnSystems(string prefix, int count = 40)
{
    private int _next = -1;

    public IReadOnlyList<string> Names { get; } = Enumerable.Range(0, count).Select(_ => OwnSystem.NewName(prefix)).ToArray();

    /// <summary>A system no test has taken yet.</summary>
    public string Next()
    {
        var i = Interlocked.Increment(ref _next);
        return i < Names.Count
            ? Names[i]
            : throw new InvalidOperationException($"All {Names.Count} own systems of '{prefix}' are taken: raise the count.");
    }

    /// <summary>
    /// <paramref name="policy"/> with these systems added, letting requests name approvers (the shared hosts' tests name
    /// the shared test approvers, ValidRelease.Approvers, whom the built-in directory does not).
    /// </summary>
    public ReleasePolicy AddTo(ReleasePolicy policy)
    {
        var own = OwnSystem.AddTo(policy, Names);
        return own with { Access = own.Access with { RequestMayNameApprovers = true, PeopleMayReportMachineEvidence = true } };
    }
}
