using ReleaseManagement.Metrics;

namespace ReleaseManagement.Ports;

/// <summary>An approval ask of a role on a release's stage, resolved in a time range.</summary>
public sealed record ResolvedApprovalAsk(string ReleaseId, string Stage, string Role, ApprovalOutcome Outcome, DateTimeOffset ResolvedAt, DateTimeOffset? AskedAt);
