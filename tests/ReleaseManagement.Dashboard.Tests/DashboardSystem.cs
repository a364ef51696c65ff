using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Events;

namespace ReleaseManagement.Dashboard.Tests;

/// <summary>
/// The local host as a process on the tests' Azurite (its own task hub), with a CDEvents webhook secret, and headless
/// Chromium (Debian's /usr/bin/chromium) driven by Playwright: one for the assembly (AssemblyInfo.cs), shared by the browser
/// test classes, which run side by side; each test owns its releases.
/// </summary>
public sealed class DashboardSystem : IAsyncLifetime
{
    public const string WebhookSecret = "dashboard-tests-cdevents-secret-0123456789";

    public static readonly ViewportSize Desktop = new() { Width = 1366, Height = 900 };
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    /// <summary>A wait for what the page's live updates bring (htmx polls): generous, for a loaded machine.</summary>
    public static readonly PageWaitForSelectorOptions Live = new() { Timeout = 30_000 };

    private IPlaywright _playwright = null!;
    private string? _policyPath;

    /// <summary>A one-day blackout the host's policy carries: the first Thursday (a window day) at least 8 days out.</summary>
    public static DateOnly BlackoutDate { get; } = FirstThursdayFrom(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(8));

    public const string BlackoutReason = "Dashboard test freeze";

    public LocalHostProcess Host { get; private set; } = null!;

    /// <summary>The host's form key, so that a test can make the links the host would (feedback links, <see cref="Api.Feedback.FeedbackLinks"/>).</summary>
    public static readonly string FormKey = Convert.ToBase64String(Enumerable.Range(11, 32).Select(i => (byte)i).ToArray());

    /// <summary>An auditor of this host's directory only, who delegates their role on the delegations page.</summary>
    public string AwayAuditor { get; } = $"away-{Guid.NewGuid():N}"[..16] + "@example.com";

    /// <summary>The other auditor of this host's directory only, who covers for <see cref="AwayAuditor"/>.</summary>
    public string CoveringAuditor { get; } = $"cover-{Guid.NewGuid():N}"[..17] + "@example.com";

    /// <summary>The systems of this host's policy that its tests' releases use, one each (<see cref="OwnSystems"/>).</summary>
    public OwnSystems Systems { get; } = new("dsh", 16);

    public IBrowser Browser { get; private set; } = null!;

    public static string ArtifactsDirectory
    {
        get
        {
            var dir = Repo.Path(".local", "test-artifacts");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public async ValueTask InitializeAsync()
    {
        var storage = Environment.GetEnvironmentVariable("AZURITE_CONNECTION_STRING");
        if (string.IsNullOrEmpty(storage))
        {
            throw new InvalidOperationException("AZURITE_CONNECTION_STRING is not set: run the tests with scripts/test.sh (scripts/lib/azurite.sh).");
        }

        // The built-in policy plus one blackout, so the calendar has one to show, and the test approvers as its directory.
        var defaults = ReleaseManagement.Policy.ReleasePolicyDefaults.Create();
        var policy = Systems.AddTo(defaults) with
        {
            Access = new() { RequestMayNameApprovers = true, PeopleMayReportMachineEvidence = true }, // requests name the shared test approvers (ValidRelease.Approvers)
            // The same people as the directory, for the dev sign-in to list (a request naming them resolves alike), and two
            // auditors of this host's own, so that a delegation the page's test makes changes no other test's approvers:
            // every host on the one Azurite shares the delegations table.
            Approvers = ValidRelease.Approvers.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value, StringComparer.Ordinal)
                .Append(new(ReleaseManagement.Policy.PolicyRoles.Auditor, [AwayAuditor, CoveringAuditor]))
                .ToDictionary(StringComparer.Ordinal),
            // Short post-deployment steps, so the simulator's hotfix reaches Completed within seconds (no test gets there otherwise).
            SuccessCriteria = defaults.SuccessCriteria with
            {
                WatchDuration = TimeSpan.FromSeconds(3), CheckInterval = TimeSpan.FromSeconds(1), ValidationDelay = TimeSpan.FromSeconds(1),
            },
            ReleaseWindows = defaults.ReleaseWindows with
            {
                Blackouts = [new ReleaseManagement.Policy.Blackout { From = BlackoutDate, To = BlackoutDate, Reason = BlackoutReason }],
            },
        };
        _policyPath = Path.Combine(Path.GetTempPath(), $"dashboard-policy-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(_policyPath, ReleaseManagement.Policy.PolicyJson.Serialize(policy));
        var port = LocalHostProcess.FreePort();
        Host = await LocalHostProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["AzureWebJobsStorage"] = storage,
                ["TaskHubName"] = "dsh" + Guid.NewGuid().ToString("N")[..12],
                ["Approvals__PublicBaseUrl"] = $"http://127.0.0.1:{port}",
                ["Approvals__FormKey"] = FormKey,
                ["Webhooks__CDEvents__Secrets__0"] = WebhookSecret,
                ["Policy__Path"] = _policyPath,
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
            },
            port);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        if (_policyPath is not null)
        {
            File.Delete(_policyPath);
        }
    }

    private static DateOnly FirstThursdayFrom(DateOnly date)
    {
        while (date.DayOfWeek != DayOfWeek.Thursday)
        {
            date = date.AddDays(1);
        }

        return date;
    }

    public string Url(string path) => new Uri(Host.BaseAddress, path).ToString();

    /// <summary>A page of its own context, collecting every Content-Security-Policy complaint the browser logs.</summary>
    public async Task<(IPage Page, List<string> CspErrors)> NewPageAsync(ViewportSize? size = null, bool javaScript = true)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = size ?? Desktop, JavaScriptEnabled = javaScript });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                lock (errors)
                {
                    errors.Add(message.Text);
                }
            }
        };
        return (page, errors);
    }

    /// <summary>Starts a release through the API, as a release manager would, on <paramref name="system"/> or else a system of its own; returns its id.</summary>
    public async Task<string> CreateReleaseAsync(string title, string? system = null, CancellationToken ct = default)
    {
        system ??= Systems.Next();
        var id = "dsh-" + Guid.NewGuid().ToString("N")[..10];
        using var response = await Host.Client.PostAsJsonAsync("/api/releases", new
        {
            id,
            title,
            type = "Minor",
            systems = new[] { system },
            targetDate = ValidRelease.TargetDate(),
            requestedBy = "lead2@example.com",
            approvers = ValidRelease.Approvers,
        }, ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        return id;
    }

    /// <summary>Starts a hotfix through the API (target date today in the policy's time zone) on a system of its own; returns its id.</summary>
    public async Task<string> CreateHotfixAsync(string title, CancellationToken ct)
    {
        var id = "dsh-" + Guid.NewGuid().ToString("N")[..10];
        var zone = ReleaseManagement.Policy.PolicyTime.Zone(ReleaseManagement.Policy.ReleasePolicyDefaults.Create());
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);
        using var response = await Host.Client.PostAsJsonAsync("/api/releases", new
        {
            id, title, type = "Hotfix", systems = new[] { Systems.Next() }, targetDate = today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            requestedBy = "lead2@example.com", approvers = ValidRelease.Approvers,
        }, ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        return id;
    }

    /// <summary>Polls the release API until <paramref name="condition"/> holds (within 60 s).</summary>
    public async Task<JsonElement> WaitForReleaseAsync(string id, Func<JsonElement, bool> condition, CancellationToken ct) =>
        (await Eventually.UntilAsync<JsonElement?>(
            async () =>
            {
                using var response = await Host.Client.GetAsync($"/api/releases/{id}", ct);
                return response.IsSuccessStatusCode ? JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync(ct)) : null;
            },
            release => release is { } r && condition(r),
            TimeSpan.FromSeconds(60),
            $"release {id} to reach the expected state"))!.Value;

    /// <summary>An approval through the plain decision API (the same service the emailed links use).</summary>
    public async Task DecideAsync(string id, string stage, string approver, string role, CancellationToken ct)
    {
        using var response = await Host.Client.PostAsJsonAsync($"/api/releases/{id}/decisions",
            new { stage, decision = "approve", approver, role, comment = $"Fine by {role}." }, ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
    }

    public async Task MilestoneAsync(string id, string milestone, CancellationToken ct)
    {
        using var response = await Host.Client.PostAsJsonAsync($"/api/releases/{id}/milestones/{milestone}", new { by = "rm@example.com" }, ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
    }

    /// <summary>A CDEvents <c>service.deployed</c> for the release, signed as a CDEvents sender signs, to the webhook.</summary>
    public async Task SendDeploymentAsync(string releaseId, string environment, string system, string version, CancellationToken ct)
    {
        using var request = SignedCDEvents.Deployed(releaseId, environment, WebhookSecret, DateTimeOffset.UtcNow, system, version);
        using var response = await Host.Client.SendAsync(request, ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
    }

    /// <summary>Runs axe-core on the page; fails on any serious or critical violation, naming each.</summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToArray();
        Assert.True(serious.Length == 0, $"axe-core on {page.Url}:\n" + string.Join("\n", serious.Select(v =>
            $"{v.Impact} {v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));
    }

    /// <summary>
    /// Screenshots of the page at desktop and phone width, kept in .local/test-artifacts/: the whole page, cut at
    /// <see cref="MaxScreenshotHeight"/> pixels (Chromium cannot capture much taller pages, and a shared test storage
    /// account can make the calendar very long).
    /// </summary>
    public static async Task ScreenshotsAsync(IPage page, string name)
    {
        foreach (var (size, suffix) in new[] { (Desktop, "desktop"), (Phone, "phone") })
        {
            await page.SetViewportSizeAsync(size.Width, size.Height);
            var height = await page.EvaluateAsync<int>("() => document.documentElement.scrollHeight");
            await page.ScreenshotAsync(new PageScreenshotOptions
            {
                Path = Path.Combine(ArtifactsDirectory, $"dashboard-{name}-{suffix}.png"),
                FullPage = true,
                Clip = new Clip { X = 0, Y = 0, Width = size.Width, Height = Math.Min(height, MaxScreenshotHeight) },
                Timeout = 120_000,
            });
        }

        await page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
    }

    public const int MaxScreenshotHeight = 6000;
}
