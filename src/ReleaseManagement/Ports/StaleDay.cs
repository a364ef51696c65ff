namespace ReleaseManagement.Ports;

/// <summary>
/// A durable mark that a rolled-up day's facts may be out of date (an event for it, or one that changes its facts, was stored
/// after it was rolled up). <paramref name="ETag"/> is the store's concurrency token (the table entity's ETag in Azure, not a column): clearing succeeds only when the mark
/// was not written again since it was read.
/// </summary>
public sealed record StaleDay(DateOnly Date, DateTimeOffset MarkedAt, string Reason, string ETag);
