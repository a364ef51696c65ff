using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Audit;

/// <summary>
/// Canonical JSON for hashing: object keys in ordinal order at every depth, no whitespace, values as the serializer wrote
/// them. Two documents equal up to key order and formatting have the same canonical form and hash.
/// </summary>
public static class CanonicalJson
{
    public static string Canonicalize(string json)
    {
        var node = JsonNode.Parse(json);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            Write(w, node);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>SHA-256 (lower-case hex) of the canonical JSON of <paramref name="json"/>.</summary>
    public static string Hash(string json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonicalize(json))));

    /// <summary>The canonical JSON of a policy (its <see cref="PolicyJson"/> shape).</summary>
    public static string Of(ReleasePolicy policy) => Canonicalize(PolicyJson.Serialize(policy, indented: false));

    /// <summary>The policy hash the audit trail records: SHA-256 of <see cref="Of(ReleasePolicy)"/>.</summary>
    public static string PolicyHash(ReleasePolicy policy) => Hash(PolicyJson.Serialize(policy, indented: false));

    private static void Write(Utf8JsonWriter w, JsonNode? node)
    {
        switch (node)
        {
            case null:
                w.WriteNullValue();
                break;
            case JsonObject o:
                w.WriteStartObject();
                foreach (var (key, value) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    w.WritePropertyName(key);
                    Write(w, value);
                }

                w.WriteEndObject();
                break;
            case JsonArray a:
                w.WriteStartArray();
                foreach (var item in a)
                {
                    Write(w, item);
                }

                w.WriteEndArray();
                break;
            default:
                node.WriteTo(w);
                break;
        }
    }
}
