using Microsoft.DurableTask.Client;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>What the store and the Durable engine say of a release (<see cref="RunningRelease.CheckAsync"/>).</summary>
/// <param name="Record">The stored release, or null when there is none.</param>
/// <param name="Instance">Its orchestration, or null when it has none (or the release is not stored).</param>
public sealed record ReleaseStanding(string ReleaseId, ReleaseRecord? Record, OrchestrationMetadata? Instance)
{
    public bool Exists => Record is not null;

    public bool IsRunning => Exists && RunningRelease.IsRunning(Instance);

    /// <summary>Why a stored release is not running, in words ("has ended (Cancelled: ...)").</summary>
    public string NotRunningReason => Instance is null
        ? "has no running orchestration"
        : $"has ended ({Record?.Status}: {Record?.StatusReason})";
}
