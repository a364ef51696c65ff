using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Activities;
using ReleaseManagement.Api;
using ReleaseManagement.Approvals;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Approvals.Tests.Infrastructure;

/// <summary>
/// The local host process plus, in the test process, the same composition root on the same Azurite and mail
/// settings: tests call the RequestApprovals activity directly (as the orchestration will) and read the tables.
/// </summary>
public abstract partial class ApprovalSystem : IAsyncLifetime
{
    public const string Requester = "requester@example.com";

    /// <summary>The host's form key, shared with the test process so tests can compute a link's form value.</summary>
    public static readonly string FormKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private ServiceProvider? _services;
    private LocalHostProcess? _host;

    public LocalHostProcess Host => _host ?? throw new InvalidOperationException("Not started.");

    public HttpClient Http { get; private set; } = null!;

    public IServiceProvider Services => _services ?? throw new InvalidOperationException("Not started.");

    public IApprovalRequestStore Requests => Services.GetRequiredService<IApprovalRequestStore>();

    public IApprovalDecisionStore Decisions => Services.GetRequiredService<IApprovalDecisionStore>();

    /// <summary>Settings for the host process (environment variables).</summary>
    protected abstract IReadOnlyDictionary<string, string> HostSettings { get; }

    /// <summary>Email settings of the test process (where RequestApprovals sends).</summary>
    protected abstract IReadOnlyDictionary<string, string?> EmailSettings { get; }

    public async ValueTask InitializeAsync()
    {
        _host = await LocalHostProcess.StartAsync(new Dictionary<string, string>(HostSettings) { ["Approvals__FormKey"] = FormKey });
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = _host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = TestEnvironment.AzuriteConnectionString,
            ["Approvals:PublicBaseUrl"] = _host.BaseAddress.ToString().TrimEnd('/'),
            ["Approvals:FormKey"] = FormKey,
            ["Email:From"] = "Release Management <releases@example.com>",
        };
        foreach (var (k, v) in EmailSettings)
        {
            settings[k] = v;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddReleaseManagement(configuration);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Creates a release through the API and waits until its orchestration waits for plan approval.</summary>
    public async Task<string> CreateReleaseAsync(string title = "Billing 2.4", string? requestedBy = Requester)
    {
        var ct = TestContext.Current.CancellationToken;
        var id = TestEnvironment.UniqueId("rel");
        var response = await Http.PostAsJsonAsync("/api/releases", new
        {
            id,
            title,
            type = "Minor",
            systems = new[] { "billing", "forecasting" },
            targetDate = ReleaseFunctions.TestSupport.ValidRelease.TargetDate(),
            requestedBy,
            approvers = ReleaseFunctions.TestSupport.ValidRelease.Approvers,
        }, ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await WaitForReleaseAsync(id, r => r.GetProperty("phase").GetString() == "Planning", ct);
        return id;
    }

    public async Task<JsonElement> GetReleaseAsync(string id, CancellationToken ct = default) =>
        (await Http.GetFromJsonAsync<JsonElement>($"/api/releases/{id}", ct));

    public async Task<JsonElement> WaitForReleaseAsync(string id, Func<JsonElement, bool> condition, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var release = await GetReleaseAsync(id, ct);
            if (condition(release))
            {
                return release;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Release {id} did not reach the expected state; last: {release}");
            }

            await Task.Delay(100, ct);
        }
    }

    public Task<RequestApprovalsResult> RequestApprovalsAsync(
        string releaseId, IReadOnlyList<ApproverRef> approvers, ApprovalKind kind = ApprovalKind.Request, DateTimeOffset? deadline = null, int round = 1) =>
        Services.GetRequiredService<RequestApprovals>().RunAsync(new RequestApprovalsInput(
            releaseId, ApprovalStages.Plan, round, kind, approvers, deadline ?? DateTimeOffset.UtcNow.AddDays(2), "Medium", "Plan complete; no gates passed yet."));

    /// <summary>The approval links emailed for a release, one per message (approver, link).</summary>
    public abstract Task<IReadOnlyList<(string To, string Subject, string Link, string Text, string Html)>> WaitForEmailsAsync(string releaseId, int count);

    public static string LinkIn(string text) =>
        LinkPattern().Match(text) is { Success: true } m ? m.Value : throw new InvalidOperationException($"No approval link in:\n{text}");

    public static string TokenOf(string link) => link[(link.LastIndexOf('/') + 1)..];

    /// <summary>GETs a link's page and returns its anti-forgery value.</summary>
    public async Task<string> FormValueAsync(string link)
    {
        var html = await Http.GetStringAsync(new Uri(link).PathAndQuery);
        var m = FormValuePattern().Match(html);
        return m.Success ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException($"No form value on the page:\n{html}");
    }

    public Task<HttpResponseMessage> PostDecisionAsync(string link, string formValue, string decision, string? comment = null, string? principal = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(link).PathAndQuery)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["form"] = formValue,
                ["decision"] = decision,
                ["comment"] = comment ?? string.Empty,
            }),
        };
        if (principal is not null)
        {
            request.Headers.Add("X-MS-CLIENT-PRINCIPAL", principal);
        }

        return Http.SendAsync(request);
    }

    [GeneratedRegex(@"https?://[^\s""<>]+/api/approvals/[A-Za-z0-9_-]+")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"name=""form"" value=""([^""]+)""")]
    private static partial Regex FormValuePattern();
}

/// <summary>The host as on a developer machine (no sign-in), sending through smtp4dev.</summary>
public sealed class SmtpApprovalSystem : ApprovalSystem
{
    private readonly Smtp4Dev _smtp = new();

    protected override IReadOnlyDictionary<string, string> HostSettings => new Dictionary<string, string>
    {
        ["Approvals__RequireSignedInApprover"] = "false",
        ["Email__Transport"] = "Smtp",
        ["Smtp__Host"] = "127.0.0.1",
        ["Smtp__Port"] = TestEnvironment.SmtpPort.ToString(CultureInfo.InvariantCulture),
        ["Smtp__Security"] = "None",
    };

    protected override IReadOnlyDictionary<string, string?> EmailSettings => new Dictionary<string, string?>
    {
        ["Email:Transport"] = "Smtp",
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = TestEnvironment.SmtpPort.ToString(CultureInfo.InvariantCulture),
        ["Smtp:Security"] = "None",
    };

    public Smtp4Dev Smtp => _smtp;

    public override async Task<IReadOnlyList<(string To, string Subject, string Link, string Text, string Html)>> WaitForEmailsAsync(string releaseId, int count)
    {
        var messages = await _smtp.WaitForAsync(s => s.Subject.Contains(releaseId, StringComparison.Ordinal), count);
        return messages.Select(m => (string.Join(",", m.Summary.To), m.Summary.Subject, LinkIn(m.Text), m.Text, m.Html)).ToList();
    }
}

/// <summary>The host as in Azure (signed-in approver required), with mail written as files (the local File transport).</summary>
public sealed class SignedInApprovalSystem : ApprovalSystem
{
    public string MailDirectory { get; } = Path.Combine(Path.GetTempPath(), "approvals-mail-" + Guid.NewGuid().ToString("N"));

    protected override IReadOnlyDictionary<string, string> HostSettings => new Dictionary<string, string>
    {
        ["Approvals__RequireSignedInApprover"] = "true",
        ["Email__Transport"] = "File",
        ["Email__FileDirectory"] = MailDirectory,
    };

    protected override IReadOnlyDictionary<string, string?> EmailSettings => new Dictionary<string, string?>
    {
        ["Email:Transport"] = "File",
        ["Email:FileDirectory"] = MailDirectory,
    };

    public override async Task<IReadOnlyList<(string To, string Subject, string Link, string Text, string Html)>> WaitForEmailsAsync(string releaseId, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var found = Directory.Exists(MailDirectory)
                ? Directory.GetFiles(MailDirectory, "*.eml").Select(f => MimeKit.MimeMessage.Load(f)).Where(m => m.Subject?.Contains(releaseId, StringComparison.Ordinal) == true).ToList()
                : [];
            if (found.Count >= count)
            {
                return found.Select(m => (string.Join(",", m.To.Mailboxes.Select(b => b.Address)), m.Subject ?? string.Empty, LinkIn(m.TextBody ?? string.Empty), m.TextBody ?? string.Empty, m.HtmlBody ?? string.Empty)).ToList();
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Expected {count} mail files for {releaseId}, found {found.Count}.");
            }

            await Task.Delay(100);
        }
    }
}
