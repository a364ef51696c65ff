using ReleaseManagement.Approvals;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Ports;

/// <summary>What an approval email says; the composer turns it into a message from the email templates.</summary>
/// <param name="Token">The link's secret; the composer puts it into the link and nowhere else.</param>
public sealed record ApprovalEmailModel(
    ReleaseRequest Release,
    string Stage,
    ApprovalKind Kind,
    ApproverRef Approver,
    string? Risk,
    string? GateSummary,
    DateTimeOffset Deadline,
    string Token)
{
    /// <summary>The stage's gate items and their verdicts.</summary>
    public IReadOnlyList<GateItemStatus> Gates { get; init; } = [];

    /// <summary>Why an approval is not accepted now (a failing gate), or null.</summary>
    public string? ApproveBlockedBy { get; init; }

    /// <summary>Who has decided the stage so far, in words.</summary>
    public IReadOnlyList<string> DecidedSoFar { get; init; } = [];

    /// <summary>The release's current warnings (<see cref="ReleaseRecord.Warnings"/>) when the email is composed.</summary>
    public IReadOnlyList<ReleaseWarning> Warnings { get; init; } = [];

    /// <summary>
    /// The approver asked, when the ask goes to their delegate (<see cref="Approver"/> is then the delegate) while a
    /// delegation runs: they receive a copy, and the email says so.
    /// </summary>
    public string? OnBehalfOf { get; init; }
}

/// <summary>Renders approval emails (Liquid templates approval-email.*, see docs/approvals.md).</summary>
public interface IApprovalEmailComposer
{
    EmailMessage Compose(ApprovalEmailModel model);
}
