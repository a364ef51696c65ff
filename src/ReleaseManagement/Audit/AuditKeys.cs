namespace ReleaseManagement.Audit;

/// <summary>
/// The keys that seal the audit trail (<see cref="AuditChain"/>): HMAC-SHA256 keys by id, and the id new rows are sealed
/// with. Older keys stay here after a rotation so the rows they sealed still verify; a row whose key is not here fails.
/// Without a key nobody can recompute a row's hash, so rewriting the table (even re-chaining every row) is found.
/// </summary>
public sealed class AuditKeys
{
    /// <summary>The least key length, in bytes (the HMAC-SHA256 block's half; 'openssl rand -base64 32' gives it).</summary>
    public const int MinKeyBytes = 32;

    private readonly Dictionary<string, byte[]> _keys;

    public AuditKeys(string currentKeyId, IReadOnlyDictionary<string, byte[]> keys)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(currentKeyId);
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys.ToDictionary(k => k.Key, k => k.Value.ToArray(), StringComparer.Ordinal);
        if (_keys.FirstOrDefault(k => k.Value.Length < MinKeyBytes) is { Key: not null } weak)
        {
            throw new ArgumentException($"The audit key '{weak.Key}' has {weak.Value.Length} bytes; at least {MinKeyBytes} are needed.", nameof(keys));
        }

        if (!_keys.ContainsKey(currentKeyId))
        {
            throw new ArgumentException($"The current audit key '{currentKeyId}' is not among the keys ({string.Join(", ", _keys.Keys)}).", nameof(currentKeyId));
        }

        CurrentKeyId = currentKeyId;
    }

    /// <summary>The id of the key new rows are sealed with.</summary>
    public string CurrentKeyId { get; }

    /// <summary>The key of <see cref="CurrentKeyId"/>.</summary>
    internal byte[] Current => _keys[CurrentKeyId];

    /// <summary>The key of <paramref name="keyId"/>, when this deployment holds it.</summary>
    internal bool TryGet(string? keyId, out byte[] key)
    {
        if (keyId is not null && _keys.TryGetValue(keyId, out var found))
        {
            key = found;
            return true;
        }

        key = [];
        return false;
    }

    /// <summary>One key of the given bytes, for tests and tools.</summary>
    public static AuditKeys Single(string keyId, byte[] key) => new(keyId, new Dictionary<string, byte[]> { [keyId] = key });
}
