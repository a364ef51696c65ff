namespace ReleaseManagement.Policy;

/// <summary>
/// The order a release's systems are deployed in (<see cref="SystemPolicy.DependsOn"/>): waves, each deployed once the
/// waves before it are. A dependency the release does not bring is not waited for (that system is not being changed).
/// </summary>
public static class DeploymentOrder
{
    /// <summary>
    /// The release's <paramref name="systems"/> in waves: the first holds those depending on none of the others, each next
    /// one those whose dependencies are all in earlier waves. Within a wave, the release's own order. A cycle (refused when
    /// the policy loads) puts what remains in one last wave.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> Waves(ReleasePolicy policy, IReadOnlyList<string> systems)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(systems);
        var remaining = systems.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var done = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var waves = new List<IReadOnlyList<string>>();
        while (remaining.Count > 0)
        {
            var wave = remaining.Where(s => DependsOn(policy, s).All(d => done.Contains(d) || !remaining.Contains(d, StringComparer.OrdinalIgnoreCase))).ToList();
            wave = wave.Count > 0 ? wave : [.. remaining];
            waves.Add(wave);
            done.UnionWith(wave);
            remaining.RemoveAll(wave.Contains);
        }

        return waves;
    }

    /// <summary>A cycle among the policy's systems' <see cref="SystemPolicy.DependsOn"/> (its names, the first repeated at the end), else null.</summary>
    public static IReadOnlyList<string>? Cycle(ReleasePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var state = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase); // false: on the path; true: finished
        var path = new List<string>();
        foreach (var system in policy.Systems.Keys.Order(StringComparer.Ordinal))
        {
            if (Visit(system) is { } cycle)
            {
                return cycle;
            }
        }

        return null;

        IReadOnlyList<string>? Visit(string system)
        {
            if (state.TryGetValue(system, out var finished))
            {
                return finished ? null : [.. path.SkipWhile(p => !string.Equals(p, system, StringComparison.OrdinalIgnoreCase)), system];
            }

            state[system] = false;
            path.Add(system);
            foreach (var dependency in DependsOn(policy, system))
            {
                if (Visit(dependency) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[system] = true;
            return null;
        }
    }

    private static IReadOnlyList<string> DependsOn(ReleasePolicy policy, string system) =>
        policy.Systems.FirstOrDefault(kv => string.Equals(kv.Key, system, StringComparison.OrdinalIgnoreCase)).Value?.DependsOn ?? [];
}
