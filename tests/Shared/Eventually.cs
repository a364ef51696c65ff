namespace ReleaseFunctions.TestSupport;

/// <summary>
/// The one way a test waits for something another process or thread does: poll a probe until its value meets a condition,
/// within a deadline (and the test's cancellation); on timeout fail with what was awaited and the last value seen. Never a
/// sleep as an assertion.
/// </summary>
public static class Eventually
{
    /// <summary>The pause after the first probe; each next pause doubles, up to <see cref="MaxInterval"/>.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The longest pause between two probes. A wait that lasts seconds probes twice a second, not ten times: on two cores
    /// shared by some thirty processes every probe is a request to a host and to Azurite, whose CPU the whole suite waits
    /// for (README, "Tests"). A state that lasts half a second is still seen.
    /// </summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>The probe's value once <paramref name="done"/> holds for it.</summary>
    /// <param name="describe">How the last value is shown on timeout (default: its <c>ToString()</c>).</param>
    /// <exception cref="TimeoutException">The deadline passed; the message names <paramref name="what"/> and the last value.</exception>
    public static async Task<T> UntilAsync<T>(
        Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what, Func<T, string?>? describe = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var pause = Interval;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting for {what}; last: {(describe is null ? value?.ToString() : describe(value))}");
            }

            await Task.Delay(pause, TestContext.Current.CancellationToken);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, MaxInterval.Ticks));
        }
    }

    /// <summary>The probe's first non-null value.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
        where T : class =>
        (await UntilAsync(probe, v => v is not null, timeout, what))!;
}
