namespace Infrastructure.Tests;

/// <summary>The discovery rules, run over this test assembly's own sample options classes.</summary>
public sealed class AppSettingsDiscoveryTests
{
    private static IReadOnlyList<ReadSetting> Discover()
    {
        var self = typeof(AppSettingsDiscoveryTests).Assembly.Location;
        return AppSettingsDiscovery.FromOptionsClasses([self], Path.GetDirectoryName(self)!)
            .Where(s => s.Source.StartsWith(typeof(SampleOptions).FullName!, StringComparison.Ordinal))
            .ToList();
    }

    [Fact]
    public void Discover_OptionsClass_GivesSectionDoubleUnderscoreProperty()
    {
        var settings = Discover();

        Assert.Contains(settings, s => s is { Name: "Sample__Inner__Timeout", Shape: SettingShape.Exact, Required: true });
        Assert.Contains(settings, s => s is { Name: "Sample__Inner__Retries", Required: true });
        Assert.Contains(settings, s => s is { Name: "Sample__Inner__Mode", Required: true });
    }

    [Fact]
    public void Discover_NestedOptionsAndRenamedKey_FollowTheBinder()
    {
        var settings = Discover();

        Assert.Contains(settings, s => s.Name == "Sample__Inner__Smtp__Host");
        Assert.Contains(settings, s => s.Name == "Sample__Inner__mail_from");
        Assert.DoesNotContain(settings, s => s.Name == "Sample__Inner__MailFrom");
    }

    [Fact]
    public void Discover_CollectionsReadOnlyAndStatics_AreGroupsOrSkipped()
    {
        var settings = Discover();

        Assert.Contains(settings, s => s is { Name: "Sample__Inner__Recipients", Shape: SettingShape.Group, Required: false });
        Assert.Contains(settings, s => s is { Name: "Sample__Inner__Secrets", Shape: SettingShape.Group, Required: false });
        Assert.DoesNotContain(settings, s => s.Name.EndsWith("__Computed", StringComparison.Ordinal));
        Assert.DoesNotContain(settings, s => s.Name.EndsWith("__Shared", StringComparison.Ordinal));
        Assert.True(new ReadSetting("Sample__Inner__Secrets", SettingShape.Group, false, "").IsSetBy("Sample__Inner__Secrets__github"));
        Assert.False(new ReadSetting("Sample__Inner__Timeout", SettingShape.Exact, true, "").IsSetBy("Sample__Inner__Timeout__x"));
    }
}

public enum SampleMode
{
    Off,
    On,
}

public sealed class SampleSmtp
{
    public string Host { get; set; } = "";
}

public sealed class SampleOptions
{
    public const string Section = "Sample:Inner";

    public static string Shared { get; set; } = "";

    public TimeSpan? Timeout { get; set; }

    public int Retries { get; init; }

    public SampleMode Mode { get; set; }

    public SampleSmtp Smtp { get; set; } = new();

    [Microsoft.Extensions.Configuration.ConfigurationKeyName("mail_from")]
    public string MailFrom { get; set; } = "";

    public List<string> Recipients { get; } = [];

    public Dictionary<string, string> Secrets { get; set; } = [];

    public string Computed => Host + "!";

    private string Host => Smtp.Host;
}
