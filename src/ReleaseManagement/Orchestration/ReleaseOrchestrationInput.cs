using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// Everything the orchestration needs, captured when the release starts so that replays see the same values even if
/// configuration or the policy file changes while the release is in flight.
/// </summary>
/// <param name="PolicyJson">The effective release policy at the start, as JSON (<see cref="Policy.PolicyJson"/>).</param>
/// <param name="Version">The lifecycle version the release runs (<see cref="ReleaseOrchestrator.CurrentVersion"/> when started).</param>
/// <param name="Timings">Waits the policy does not define (deployment and rollback outcomes).</param>
/// <param name="ExtraPlanApprovalRoles">Roles the request-time rules added to this release's plan approval (the release
/// manager for a release over its type's cadence under <c>frequencyRule: RequireApproval</c>). Null in inputs written
/// before the field existed: those releases replay with the plan rule they started with.</param>
/// <param name="AdmissionWarnings">The cadence and conflict warnings the request handler put on the release's row
/// (<c>over-cadence</c>, <c>window-conflict</c>); the lifecycle writes one timeline line for each as planning starts. Null in
/// older inputs (no line, nothing new to replay).</param>
/// <param name="RequesterMayAct">Setting <c>Approvals__RequesterMayApprove</c> when the release started: whether its requester
/// may waive, sign off and review it (<see cref="Policy.FourEyes"/>). False in older inputs (four eyes hold).</param>
/// <param name="Resume">Set on the run that resumes a stranded release (<see cref="ReleaseResume"/>): the effects its earlier
/// run completed, answered from here instead of being done again. Null on every other run.</param>
public sealed record ReleaseOrchestrationInput(
    ReleaseRequest Release,
    string PolicyJson,
    int Version,
    ReleaseTimings Timings,
    IReadOnlyList<string>? ExtraPlanApprovalRoles = null,
    IReadOnlyList<ReleaseWarning>? AdmissionWarnings = null,
    bool RequesterMayAct = false,
    ReleaseResume? Resume = null);
