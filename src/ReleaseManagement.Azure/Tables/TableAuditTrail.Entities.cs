using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using ReleaseManagement.Audit;

namespace ReleaseManagement.Azure.Tables;

/// <summary>The audit rows as table entities (written whole, read as stored), and the index rows beside them.</summary>
public sealed partial class TableAuditTrail
{
    /// <summary>Whether <paramref name="rowKey"/> is an audit row's (a sequence: 19 digits), not the head's or an event key's.</summary>
    public static bool IsAuditRowKey(string rowKey) => rowKey.Length == 19 && rowKey.All(char.IsAsciiDigit);

    /// <summary>The index row of a record's event key: which sequence holds it.</summary>
    private static TableEntity KeyEntity(AuditRecord r) => new(r.Entry.ReleaseId, EventKeyRowKey(r.Entry.EventKey))
    {
        ["Sequence"] = r.Sequence,
        ["EventKey"] = r.Entry.EventKey,
    };

    /// <summary>The head after a record: its sequence and hash (a hint the next append checks against that row).</summary>
    private static TableEntity HeadEntity(AuditRecord r) => new(r.Entry.ReleaseId, HeadRowKey)
    {
        ["Sequence"] = r.Sequence,
        ["Hash"] = r.Hash,
    };

    private static TableEntity ToEntity(AuditRecord r)
    {
        var e = r.Entry;
        var entity = new TableEntity(e.ReleaseId, RowKey(r.Sequence))
        {
            ["Sequence"] = r.Sequence,
            ["EventKey"] = e.EventKey,
            ["Action"] = e.Action,
            ["By"] = e.By,
            ["At"] = e.At.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["Channel"] = e.Channel,
            ["Summary"] = e.Summary,
            ["Rule"] = e.Rule,
            ["SignedInAs"] = e.SignedInAs,
            ["ClientAddress"] = e.ClientAddress,
            ["PreviousHash"] = r.PreviousHash,
            ["Hash"] = r.Hash,
            ["KeyId"] = r.KeyId,
        };
        var data = JsonSerializer.Serialize(e.Data ?? new Dictionary<string, string>());
        var chunks = (data.Length + ChunkLength - 1) / ChunkLength;
        entity["DataChunks"] = chunks;
        for (var i = 0; i < chunks; i++)
        {
            entity[$"Data{i}"] = data.Substring(i * ChunkLength, Math.Min(ChunkLength, data.Length - (i * ChunkLength)));
        }

        return entity;
    }

    /// <summary>Reads a row as stored; a row someone altered reads as altered (the chain check then finds it).</summary>
    private static AuditRecord FromEntity(TableEntity e)
    {
        var chunks = e.GetInt32("DataChunks") ?? 0;
        var data = string.Concat(Enumerable.Range(0, chunks).Select(i => e.GetString($"Data{i}") ?? string.Empty));
        Dictionary<string, string>? values;
        try
        {
            values = data.Length == 0 ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(data);
        }
        catch (JsonException)
        {
            values = new Dictionary<string, string>(StringComparer.Ordinal) { ["unreadable"] = data };
        }

        var at = DateTimeOffset.TryParse(e.GetString("At"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) ? parsed : DateTimeOffset.MinValue;
        var sequence = e.GetInt64("Sequence")
            ?? (long.TryParse(e.RowKey, NumberStyles.None, CultureInfo.InvariantCulture, out var fromKey) ? fromKey : 0);
        var entry = new AuditEntry(
            e.PartitionKey,
            e.GetString("EventKey") ?? string.Empty,
            e.GetString("Action") ?? string.Empty,
            e.GetString("By") ?? string.Empty,
            at,
            e.GetString("Channel") ?? string.Empty,
            e.GetString("Summary") ?? string.Empty,
            e.GetString("Rule"),
            e.GetString("SignedInAs"),
            e.GetString("ClientAddress"),
            values);
        return new AuditRecord(sequence, entry, e.GetString("PreviousHash") ?? string.Empty, e.GetString("Hash") ?? string.Empty, e.GetString("KeyId"));
    }
}
