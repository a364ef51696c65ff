namespace ReleaseFunctions.TestSupport;

/// <summary>
/// The audit trail's signing key in tests: in-process compositions add <see cref="Settings"/>, and
/// <see cref="LocalHostProcess"/> gives it to the host process, so each verifies what the other sealed.
/// </summary>
public static class AuditTestKeys
{
    public const string KeyId = "test";

    public static readonly byte[] Key = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();

    /// <summary>The settings (<c>Audit:SigningKeyId</c>, <c>Audit:SigningKeys:test</c>) to add to a test's configuration.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Settings { get; } =
    [
        new("Audit:SigningKeyId", KeyId),
        new("Audit:SigningKeys:" + KeyId, Convert.ToBase64String(Key)),
    ];
}
