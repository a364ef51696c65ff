namespace History;

/// <summary>
/// The composition's clock: the system clock, except where the seeder writes a past row "at its time" (<see cref="At"/>,
/// for the code that runs under it on this async flow). So the audit trail writes each seeded row as a live system did,
/// in its own month, rather than as a late row written today.
/// </summary>
public sealed class SeedClock : TimeProvider
{
    public static readonly SeedClock Instance = new();

    private static readonly AsyncLocal<DateTimeOffset?> Current = new();

    private SeedClock()
    {
    }

    public override DateTimeOffset GetUtcNow() => Current.Value ?? System.GetUtcNow();

    /// <summary>The clock reads <paramref name="at"/> on this flow until the result is disposed.</summary>
    public static IDisposable At(DateTimeOffset at)
    {
        var before = Current.Value;
        Current.Value = at;
        return new Restore(before);
    }

    private sealed class Restore(DateTimeOffset? before) : IDisposable
    {
        public void Dispose() => Current.Value = before;
    }
}
