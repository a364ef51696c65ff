namespace ReleaseFunctions.Tests.Support;

public static class Azurite
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("AZURITE_CONNECTION_STRING") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("AZURITE_CONNECTION_STRING is not set: run the tests with scripts/test.sh, which starts Azurite.");

    /// <summary>A task hub name of letters and digits (3-45 characters), unique per test.</summary>
    public static string UniqueTaskHub(string prefix) => prefix + Guid.NewGuid().ToString("N")[..16];
}
