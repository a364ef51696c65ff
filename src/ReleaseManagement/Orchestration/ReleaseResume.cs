using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ReleaseManagement.Approvals;
using ReleaseManagement.Events;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// What a stranded release's earlier run did, carried by the input of the run that resumes it (<c>POST
/// /api/releases/{id}/resume</c>; docs/architecture.md, "Resuming a stranded release"): the effects its lifecycle and its
/// communication timeline completed, read from their journals (<see cref="EffectJournal"/>, in their custom status). The
/// resumed run goes through the lifecycle from its start with the same input, and the release's recorded decisions and
/// pipeline events raised again; every effect the journal holds is answered from it instead of being done again.
/// </summary>
public sealed record ReleaseResume(
    IReadOnlyList<JournalEntry> Lifecycle,
    IReadOnlyList<JournalEntry> Communications,
    DateTimeOffset? CommunicationsScheduledAt,
    string By,
    DateTimeOffset At);

/// <summary>One completed effect: its key (<see cref="EffectKeys.Of"/> and the how-manieth of that key, <c>#0</c>, <c>#1</c>...) and its result as JSON.</summary>
public sealed record JournalEntry(string Key, string? Result);

/// <summary>
/// The identity of an activity call as an effect, the same whether read from a typed input in the orchestration or from
/// the JSON of a past call in the history (any property casing, enums as names or numbers): an approval round's emails by
/// stage, round and kind (as the send keys are), a notice by its id, a deployment or rollback request by environment, an
/// event by its type, a feature flag change by flag and state (on or off, percentage). The ids the orchestration makes new
/// each run (request and event ids) are left out.
/// </summary>
public static class EffectKeys
{
    /// <summary>How inputs and results are read and written here: the web defaults, enums by name or number.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static string Of(string activity, JsonNode? input) => activity switch
    {
        ActivityNames.RequestApprovals =>
            $"approvals:{Text(input, "stage")}:{Text(input, "round")}:{Name<ApprovalKind>(Get(input, "kind"))}",
        ActivityNames.CloseApprovalStage => $"close:{Text(input, "stage")}",
        ActivityNames.RequestDeployment => $"deploy:{Text(input, "environment")}:{Text(input, "rollback")?.ToLowerInvariant()}"
            + (Text(Get(input, "step"), "name") is { } step ? $":{step}" : string.Empty),
        ActivityNames.SendReleaseNotice => $"notice:{Text(input, "noticeId")}",
        ActivityNames.PublishReleaseEvent => $"event:{Name<ReleaseEventType>(Get(input, "type"))}",
        ActivityNames.SetFeatureFlag => $"flag:{Text(input, "flag")}:{Text(input, "enabled")?.ToLowerInvariant()}:{Text(input, "percentage")}",
        _ => activity,
    };

    /// <summary>Whether calls of <paramref name="activity"/> are journaled (<see cref="EffectJournal"/>): the effects on people and other systems.</summary>
    public static bool IsJournaled(string activity) =>
        activity is ActivityNames.RequestApprovals or ActivityNames.RequestDeployment or ActivityNames.SendReleaseNotice or ActivityNames.PublishReleaseEvent
            or ActivityNames.SetFeatureFlag;

    /// <summary>The key of a call the orchestration is about to make.</summary>
    public static string Of<T>(string activity, T input) => Of(activity, JsonSerializer.SerializeToNode(input, Json));

    /// <summary>A property by name in any casing.</summary>
    private static JsonNode? Get(JsonNode? node, string name) =>
        node is JsonObject o ? o.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value : null;

    private static string? Text(JsonNode? node, string name) => Get(node, name) is { } value
        ? value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString()
        : null;

    private static string? Name<TEnum>(JsonNode? value)
        where TEnum : struct, Enum =>
        value?.GetValueKind() == JsonValueKind.Number ? Enum.GetName(typeof(TEnum), value.GetValue<int>()) : value?.GetValue<string>();
}
