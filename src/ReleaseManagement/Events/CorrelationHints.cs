namespace ReleaseManagement.Events;

/// <summary>What an event says that may tie it to a release, as found by a source's normalizer.</summary>
/// <param name="ExplicitReleaseId">A release id the sender put in the event on purpose (CDEvents customData.releaseId,
/// a GitHub deployment payload, an Azure DevOps pipeline variable or tag).</param>
/// <param name="Branches">Branch names involved, with or without <c>refs/heads/</c>, most specific first.</param>
/// <param name="Tag">A tag name, with or without <c>refs/tags/</c>.</param>
/// <param name="Version">An artifact or release version.</param>
public sealed record CorrelationHints(string? ExplicitReleaseId = null, IReadOnlyList<string?>? Branches = null, string? Tag = null, string? Version = null);
