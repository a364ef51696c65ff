namespace ReleaseManagement.Approvals.Tests.Infrastructure;

/// <summary>What scripts/test.sh started for these tests, from its environment variables.</summary>
public static class TestEnvironment
{
    public static string AzuriteConnectionString => Required("AZURITE_CONNECTION_STRING", "scripts/lib/azurite.sh");

    public static int SmtpPort => int.Parse(Required("SMTP4DEV_SMTP_PORT", "scripts/test-services.d/smtp4dev.sh"), System.Globalization.CultureInfo.InvariantCulture);

    public static Uri SmtpApi => new(Required("SMTP4DEV_API_URL", "scripts/test-services.d/smtp4dev.sh"));

    public static string ChromiumPath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public static string RepoRoot => ReleaseFunctions.TestSupport.Repo.Root;

    /// <summary>Where tests leave files for people to look at (screenshots).</summary>
    public static string ArtifactsDirectory
    {
        get
        {
            var dir = Path.Combine(RepoRoot, ".local", "test-artifacts");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public static string UniqueId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 1 + 20, 60)];

    private static string Required(string name, string source) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run the tests with scripts/test.sh, which starts the service ({source}).");
}
