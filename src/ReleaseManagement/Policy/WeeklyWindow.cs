namespace ReleaseManagement.Policy;

/// <summary>
/// A weekly window: opens on <see cref="Day"/> at local time <see cref="Start"/> and stays open for <see cref="Duration"/>
/// (elapsed time). A start inside a daylight-saving gap is moved forward by the jump (02:30 becomes 03:30); a start in a
/// repeated hour opens at its first occurrence.
/// </summary>
public sealed record WeeklyWindow
{
    public required DayOfWeek Day { get; init; }

    public required TimeOnly Start { get; init; }

    public required TimeSpan Duration { get; init; }
}
