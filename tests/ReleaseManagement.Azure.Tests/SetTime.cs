namespace ReleaseManagement.Azure.Tests;

/// <summary>
/// A clock the test sets, forwards or back (a trail's rows written at their own times, out of order), where
/// FakeTimeProvider only goes forward.
/// </summary>
internal sealed class SetTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
