namespace ReleaseManagement.Azure.Tests;

/// <summary>The Azurite instance scripts/test.sh starts; tests use unique table names so they can run in parallel.</summary>
public static class Azurite
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("AZURITE_CONNECTION_STRING") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("AZURITE_CONNECTION_STRING is not set: run the tests with scripts/test.sh, which starts Azurite.");

    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];
}
