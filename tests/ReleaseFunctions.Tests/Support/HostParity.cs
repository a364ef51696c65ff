namespace ReleaseFunctions.Tests.Support;

/// <summary>
/// The comparison behind <see cref="HostParityTests"/>, as a pure function: the entries of a source of truth against what
/// each host has, listing every entry a host lacks and every entry a host has beyond the source (empty: they agree).
/// </summary>
public static class HostParity
{
    public static IReadOnlyList<string> Differences(string kind, IEnumerable<string> truth, IReadOnlyDictionary<string, IEnumerable<string>> hosts)
    {
        var expected = truth.ToHashSet(StringComparer.Ordinal);
        var differences = new List<string>();
        foreach (var (host, entries) in hosts.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            var actual = entries.ToHashSet(StringComparer.Ordinal);
            differences.AddRange(expected.Except(actual).Order(StringComparer.Ordinal).Select(e => $"{kind} '{e}' is missing from {host}"));
            differences.AddRange(actual.Except(expected).Order(StringComparer.Ordinal).Select(e => $"{kind} '{e}' is in {host} but not in the source of truth"));
        }

        return differences;
    }

    /// <summary>Fails with every difference listed, so one run shows all that is missing.</summary>
    public static void AssertNone(IReadOnlyList<string> differences) =>
        Assert.True(differences.Count == 0, "The hosts differ:\n" + string.Join("\n", differences));
}
