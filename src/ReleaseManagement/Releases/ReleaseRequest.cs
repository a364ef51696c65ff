namespace ReleaseManagement.Releases;

/// <summary>A validated request to start a release.</summary>
public sealed record ReleaseRequest(
    string Id,
    string Title,
    ReleaseType Type,
    IReadOnlyList<string> Systems,
    DateOnly TargetDate,
    string? RequestedBy = null);

/// <summary>
/// The body of <c>POST /api/releases</c> as received: every field optional so that validation
/// can report every problem at once instead of failing on the first.
/// </summary>
public sealed class ReleaseRequestBody
{
    public string? Id { get; set; }
    public string? Title { get; set; }
    public string? Type { get; set; }
    public List<string?>? Systems { get; set; }
    public string? TargetDate { get; set; }
    public string? RequestedBy { get; set; }
}
