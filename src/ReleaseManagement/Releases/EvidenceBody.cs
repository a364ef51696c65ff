namespace ReleaseManagement.Releases;

/// <summary>The body of <c>POST /api/releases/{id}/evidence</c> as received (validated by <see cref="EvidenceRequestValidator"/>).</summary>
public sealed record EvidenceBody(
    string? Item = null,
    string? Kind = null,
    string? By = null,
    bool? Approved = null,
    bool? Passed = null,
    decimal? Value = null,
    string? Reason = null,
    string? Note = null,
    string? Environment = null,
    IReadOnlyDictionary<string, string?>? Settings = null,
    string? Url = null,
    string? Title = null);
