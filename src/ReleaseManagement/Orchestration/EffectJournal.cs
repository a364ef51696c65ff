using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.DurableTask;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// The journal of the effects an orchestration completed (docs/architecture.md, "Resuming a stranded release"): each
/// completed approval round's emails, notice, deployment or rollback request and outbound event is recorded under its
/// effect key (<see cref="EffectKeys"/>; the n-th of a key as <c>#n</c>) in the orchestration's custom status
/// (<see cref="ReleaseCustomStatus.Done"/>), which outlives a failed or terminated instance. On a resumed run
/// (<see cref="ReleaseResume"/>) the n-th call of a key that the earlier run completed is answered from that journal instead
/// of going out again. Status writes, health readings and stage closings are not journaled: writing them again is
/// idempotent (a timeline line is keyed by its sequence) or a read. Attached to one orchestration context per episode (the
/// lifecycle and the communication timeline attach theirs), so replays record and answer the same.
/// </summary>
internal sealed class EffectJournal
{
    private static readonly ConditionalWeakTable<TaskOrchestrationContext, EffectJournal> Attached = [];
    private readonly TaskOrchestrationContext _context;
    private readonly Dictionary<string, string?> _earlier = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _completed = new(StringComparer.Ordinal);
    private readonly List<JournalEntry> _done = [];
    private OutageStatus? _outage;

    private EffectJournal(TaskOrchestrationContext context, IEnumerable<JournalEntry> earlier)
    {
        _context = context;
        foreach (var entry in earlier)
        {
            _earlier.TryAdd(entry.Key, entry.Result);
        }
    }

    /// <summary>Gives <paramref name="context"/> its journal, with the effects an earlier run completed (none unless resumed).</summary>
    public static void Attach(TaskOrchestrationContext context, IReadOnlyList<JournalEntry>? earlier) =>
        Attached.AddOrUpdate(context, new EffectJournal(context, earlier ?? []));

    /// <summary>Shows (or clears) what waits out an outage in the custom status, beside the journal.</summary>
    public static void ShowOutage(TaskOrchestrationContext context, OutageStatus? outage)
    {
        if (Attached.TryGetValue(context, out var journal))
        {
            journal._outage = outage;
            journal.Show();
        }
        else
        {
            context.SetCustomStatus(outage is null ? null : new ReleaseCustomStatus(outage));
        }
    }

    /// <summary>The recorded result of this call when an earlier run completed it, else the result of <paramref name="call"/>; recorded either way.</summary>
    public static async Task<T> CallAsync<T>(TaskOrchestrationContext context, string activity, object input, Func<Task<T>> call)
    {
        if (!EffectKeys.IsJournaled(activity) || !Attached.TryGetValue(context, out var journal))
        {
            return await call();
        }

        var (key, n, indexed) = journal.Next(activity, input);
        T result;
        string? json;
        if (journal._earlier.TryGetValue(indexed, out json))
        {
            result = json is null ? default! : JsonSerializer.Deserialize<T>(json, EffectKeys.Json)!;
        }
        else
        {
            result = await call();
            json = JsonSerializer.Serialize(result, EffectKeys.Json);
        }

        journal._completed[key] = n + 1;
        journal._done.Add(new JournalEntry(indexed, json));
        journal.Show();
        return result;
    }

    /// <summary>
    /// The journal key the next completed call of <paramref name="activity"/> with <paramref name="input"/> gets
    /// (<c>{key}#{n}</c>): the same for every try of one effect (a try that failed completes nothing), the next for the
    /// same effect done again later; null where the context has no journal or the activity is not journaled.
    /// </summary>
    public static string? NextKey(TaskOrchestrationContext context, string activity, object input)
    {
        if (!EffectKeys.IsJournaled(activity) || !Attached.TryGetValue(context, out var journal))
        {
            return null;
        }

        return journal.Next(activity, input).Indexed;
    }

    /// <summary>The effect key of a call, how many calls of it completed before, and the journal key the next one gets.</summary>
    private (string Key, int N, string Indexed) Next(string activity, object input)
    {
        var key = EffectKeys.Of(activity, input);
        var n = _completed.GetValueOrDefault(key);
        return (key, n, $"{key}#{n}");
    }

    private void Show() => _context.SetCustomStatus(new ReleaseCustomStatus(_outage, _done.Count == 0 ? null : _done.ToArray()));
}
