namespace ReleaseManagement.Policy;

/// <summary>
/// Evidence must be fresh and about the right environment: a gate item that names an <see cref="GateItem.Environment"/>
/// or a <see cref="GateItem.MaxAge"/> counts only evidence about that environment and no older than that when the gate is
/// evaluated. When such evidence is all there is, the item is <see cref="GateVerdict.Stale"/> with the reason (not a
/// pass; a waiver still stands in where the item is waivable). Everything else is <see cref="GateEvaluator"/>'s rule.
/// </summary>
public static class EvidenceFreshness
{
    /// <param name="now">When the gate is evaluated (the orchestration's time).</param>
    /// <param name="fourEyes">The release's four-eyes rule (<see cref="GateEvaluator.EvaluateItem"/>); null: none.</param>
    public static GateEvaluation Evaluate(
        QualityGate gate, GateInputs inputs, IReadOnlyDictionary<string, IReadOnlyList<string>>? approvers, DateTimeOffset now, FourEyes? fourEyes = null) =>
        new(gate.Items.Select(item => EvaluateItem(item, inputs, approvers, now, fourEyes)).ToArray());

    public static GateItemResult EvaluateItem(
        GateItem item, GateInputs inputs, IReadOnlyDictionary<string, IReadOnlyList<string>>? approvers, DateTimeOffset now, FourEyes? fourEyes = null)
    {
        if (item.Environment is null && item.MaxAge is null)
        {
            return GateEvaluator.EvaluateItem(item, inputs, approvers, fourEyes);
        }

        var usable = new List<GateEvidence>();
        GateEvidence? newestUnusable = null;
        string? why = null;
        foreach (var evidence in inputs.Evidence)
        {
            if (!string.Equals(evidence.Item?.Trim(), item.Id, StringComparison.OrdinalIgnoreCase) || Unusable(item, evidence, now) is not { } reason)
            {
                usable.Add(evidence);
            }
            else if (newestUnusable is null || evidence.At >= newestUnusable.At)
            {
                (newestUnusable, why) = (evidence, reason);
            }
        }

        var result = GateEvaluator.EvaluateItem(item, inputs with { Evidence = usable }, approvers, fourEyes);
        var newestUsable = usable.Where(e => string.Equals(e.Item?.Trim(), item.Id, StringComparison.OrdinalIgnoreCase)).MaxBy(e => e.At);
        if (result.Verdict is GateVerdict.Passed or GateVerdict.Waived || newestUnusable is null || (newestUsable is not null && newestUsable.At >= newestUnusable.At))
        {
            return result;
        }

        return new GateItemResult(item.Id, GateVerdict.Stale, $"{why}: send fresh evidence{Needs(item)}.");
    }

    /// <summary>Why <paramref name="evidence"/> does not count for <paramref name="item"/> at <paramref name="now"/>, or null when it does.</summary>
    public static string? Unusable(GateItem item, GateEvidence evidence, DateTimeOffset now)
    {
        if (item.Environment is { } environment && !string.Equals(evidence.Environment?.Trim(), Name(environment), StringComparison.OrdinalIgnoreCase))
        {
            return evidence.Environment is { Length: > 0 } other
                ? $"The evidence for '{item.Id}' is about {other}, not {Name(environment)}"
                : $"The evidence for '{item.Id}' names no environment; it must be about {Name(environment)}";
        }

        var age = now - evidence.At;
        return item.MaxAge is { } maxAge && age > maxAge
            ? $"The evidence for '{item.Id}' is {Age(age)} old (at most {PolicyTime.Describe(maxAge)})"
            : null;
    }

    private static string Needs(GateItem item) =>
        (item.Environment, item.MaxAge) switch
        {
            ({ } e, { } a) => $" about {Name(e)}, at most {PolicyTime.Describe(a)} old",
            ({ } e, null) => $" about {Name(e)}",
            (null, { } a) => $", at most {PolicyTime.Describe(a)} old",
            _ => string.Empty,
        };

    /// <summary>An age in whole minutes, rounded up: "25 h 3 min", "61 min" reads worse than "1 h 1 min".</summary>
    private static string Age(TimeSpan age)
    {
        var minutes = (long)Math.Ceiling(age.TotalMinutes);
        return minutes >= 60 ? $"{minutes / 60} h {minutes % 60} min" : $"{minutes} min";
    }

    private static string Name(DeploymentEnvironment environment) => environment.ToString().ToLowerInvariant();
}
