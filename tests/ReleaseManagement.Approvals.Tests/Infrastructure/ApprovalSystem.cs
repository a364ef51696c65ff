using ReleaseFunctions.TestSupport;
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
/// settings. The host's release orchestration emails the plan links itself; tests read those, call the RequestApprovals
/// activity directly only for another stage or in <see cref="TestRound"/>, and read the tables.
/// </summary>
public abstract partial class ApprovalSystem : IAsyncLifetime
{
    public const string Requester = "requester@example.com";

    /// <summary>The host's form key, shared with the test process so tests can compute a link's form value.</summary>
    public static readonly string FormKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private ServiceProvider? _services;
    private ReleaseFunctions.TestSupport.LocalHostProcess? _host;

    public ReleaseFunctions.TestSupport.LocalHostProcess Host => _host ?? throw new InvalidOperationException("Not started.");

    public HttpClient Http { get; private set; } = null!;

    /// <summary>The systems of the host's policy that the tests' releases use, one each (<see cref="OwnSystems"/>).</summary>
    public OwnSystems Systems { get; } = new("apr", 40);

    public IServiceProvider Services => _services ?? throw new InvalidOperationException("Not started.");

    public IApprovalRequestStore Requests => Services.GetRequiredService<IApprovalRequestStore>();

    public IApprovalDecisionStore Decisions => Services.GetRequiredService<IApprovalDecisionStore>();

    /// <summary>Settings for the host process (environment variables).</summary>
    protected abstract IReadOnlyDictionary<string, string> HostSettings { get; }

    /// <summary>Email settings of the test process (where RequestApprovals sends).</summary>
    protected abstract IReadOnlyDictionary<string, string?> EmailSettings { get; }

    public async ValueTask InitializeAsync()
    {
        var policyPath = OwnSystem.Write(Systems.AddTo(ReleaseManagement.Policy.ReleasePolicyDefaults.Create()));
        _host = await LocalHostProcess.StartAsync(new Dictionary<string, string>(HostSettings) { ["Approvals__FormKey"] = FormKey, ["Policy__Path"] = policyPath });
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = _host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = TestEnvironment.AzuriteConnectionString,
            ["Approvals:PublicBaseUrl"] = _host.BaseAddress.ToString().TrimEnd('/'),
            ["Approvals:FormKey"] = FormKey,
            ["Email:From"] = "Release Management <releases@example.com>",
            ["Policy:Path"] = policyPath,
        };
        foreach (var (k, v) in EmailSettings)
        {
            settings[k] = v;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).AddInMemoryCollection(AuditTestKeys.Settings).Build();
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

    /// <summary>
    /// The round tests request links in when they call <see cref="RequestApprovals"/> themselves. The release's own
    /// orchestration asks round 1 (Request) of the plan stage as soon as the release starts, and would reach rounds 2 and 3
    /// (Reminder, Escalation) only days later: a test round keeps the tests' links from colliding with the orchestration's
    /// idempotency key (release + stage + round + kind + approver), where the newer link would replace the older one.
    /// </summary>
    public const int TestRound = 90;

    /// <summary>Who the orchestration asks to approve the plan of a Minor release made from <see cref="ReleaseFunctions.TestSupport.ValidRelease"/>.</summary>
    public static readonly IReadOnlyList<ApproverRef> PlanApprovers =
    [
        new("po@example.com", "product-owner"),
        new("lead@example.com", "technical-lead"),
        new("lead2@example.com", "technical-lead"),
    ];

    /// <summary>
    /// Creates a Minor release through the API and waits until its orchestration waits for plan approval: by then the
    /// orchestration has emailed its plan links (<see cref="PlanEmailsAsync"/>).
    /// </summary>
    public async Task<string> CreateReleaseAsync(string title = "Billing 2.4", string? requestedBy = Requester)
    {
        var ct = TestContext.Current.CancellationToken;
        var id = TestEnvironment.UniqueId("rel");
        var response = await Http.PostAsJsonAsync("/api/releases", new
        {
            id,
            title,
            type = "Minor",
            systems = new[] { Systems.Next() },
            targetDate = ReleaseFunctions.TestSupport.ValidRelease.TargetDate(),
            requestedBy,
            approvers = ReleaseFunctions.TestSupport.ValidRelease.Approvers,
        }, ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await WaitForReleaseAsync(
            id,
            r => r.GetProperty("phase").GetString() == "Planning"
                && r.GetProperty("pendingApprovals").EnumerateArray().Any(p => p.GetProperty("stage").GetString() == ApprovalStages.Plan),
            ct);
        return id;
    }

    /// <summary>
    /// The plan approval emails the release's orchestration sent on its own (round 1, Request): one per plan approver
    /// except the requester.
    /// </summary>
    public async Task<IReadOnlyList<Email>> PlanEmailsAsync(string releaseId, string? requestedBy = Requester)
    {
        var expected = PlanApprovers.Count(a => !string.Equals(a.Email, requestedBy, StringComparison.OrdinalIgnoreCase));
        var emails = await WaitForEmailsAsync(releaseId, expected, r => r.Stage == ApprovalStages.Plan && r.Round == 1 && r.Kind == ApprovalKind.Request);
        Assert.Equal(expected, emails.Count);
        return emails;
    }

    /// <summary>The plan link the orchestration emailed to <paramref name="approver"/>.</summary>
    public async Task<string> PlanLinkAsync(string releaseId, string approver = "lead@example.com", string? requestedBy = Requester) =>
        (await PlanEmailsAsync(releaseId, requestedBy)).Single(e => e.To == approver).Link;

    public async Task<JsonElement> GetReleaseAsync(string id, CancellationToken ct = default) =>
        (await Http.GetFromJsonAsync<JsonElement>($"/api/releases/{id}", ct));

    public Task<JsonElement> WaitForReleaseAsync(string id, Func<JsonElement, bool> condition, CancellationToken ct = default) =>
        ReleaseFunctions.TestSupport.Eventually.UntilAsync(() => GetReleaseAsync(id, ct), condition, TimeSpan.FromSeconds(60), $"release {id} to reach the expected state");

    /// <summary>Calls the RequestApprovals activity from the test (in <see cref="TestRound"/> unless told otherwise).</summary>
    public Task<RequestApprovalsResult> RequestApprovalsAsync(
        string releaseId,
        IReadOnlyList<ApproverRef> approvers,
        ApprovalKind kind = ApprovalKind.Request,
        DateTimeOffset? deadline = null,
        int round = TestRound,
        string stage = ApprovalStages.Plan) =>
        Services.GetRequiredService<RequestApprovals>().RunAsync(new RequestApprovalsInput(
            releaseId, stage, round, kind, approvers, deadline ?? DateTimeOffset.UtcNow.AddDays(2), "Medium", "Plan complete; no gates passed yet."));

    /// <summary>The approval emails of a release received so far (any stage, round or sender), each with its link; its other emails are left out.</summary>
    protected abstract Task<IReadOnlyList<Email>> ListEmailsAsync(string releaseId);

    /// <summary>
    /// Waits (polling, with a deadline) until at least <paramref name="count"/> approval emails of the release arrived whose
    /// link (looked up by its token's hash) matches <paramref name="link"/> (any link when null), and returns them all.
    /// </summary>
    public Task<IReadOnlyList<Email>> WaitForEmailsAsync(string releaseId, int count, Func<ApprovalRequest, bool>? link = null) =>
        ReleaseFunctions.TestSupport.Eventually.UntilAsync<IReadOnlyList<Email>>(
            async () =>
            {
                var found = new List<Email>();
                foreach (var email in await ListEmailsAsync(releaseId))
                {
                    if (link is null || (await Requests.GetAsync(ApprovalTokens.Hash(TokenOf(email.Link))) is { } request && link(request)))
                    {
                        found.Add(email);
                    }
                }

                return found;
            },
            found => found.Count >= count,
            TimeSpan.FromSeconds(30),
            $"{count} matching approval emails for {releaseId}",
            found => $"{found.Count} found");

    /// <summary>The emails of the tests' own requests (<paramref name="round"/>, by default <see cref="TestRound"/>) of a stage.</summary>
    public Task<IReadOnlyList<Email>> WaitForTestEmailsAsync(string releaseId, int count, string stage = ApprovalStages.Plan, int round = TestRound) =>
        WaitForEmailsAsync(releaseId, count, r => r.Stage == stage && r.Round == round);

    public static string LinkIn(string text) =>
        LinkPattern().Match(text) is { Success: true } m ? m.Value : throw new InvalidOperationException($"No approval link in:\n{text}");

    /// <summary>Whether an email's text carries an approval link (the release's meeting invites and notices do not).</summary>
    public static bool HasLink(string text) => LinkPattern().IsMatch(text);

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

    protected override async Task<IReadOnlyList<Email>> ListEmailsAsync(string releaseId)
    {
        var messages = await _smtp.ListWithBodiesAsync(s => s.Subject.Contains(releaseId, StringComparison.Ordinal));
        // The release's other emails (its meeting invites, its notices) carry no approval link.
        return messages.Where(m => HasLink(m.Text)).Select(m => new Email(string.Join(",", m.Summary.To), m.Summary.Subject, LinkIn(m.Text), m.Text, m.Html)).ToList();
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

    protected override Task<IReadOnlyList<Email>> ListEmailsAsync(string releaseId)
    {
        IReadOnlyList<Email> found = Directory.Exists(MailDirectory)
            ? Directory.GetFiles(MailDirectory, "*.eml")
                .Select(f => MimeKit.MimeMessage.Load(f))
                .Where(m => m.Subject?.Contains(releaseId, StringComparison.Ordinal) == true && HasLink(m.TextBody ?? string.Empty))
                .Select(m => new Email(string.Join(",", m.To.Mailboxes.Select(b => b.Address)), m.Subject ?? string.Empty, LinkIn(m.TextBody ?? string.Empty), m.TextBody ?? string.Empty, m.HtmlBody ?? string.Empty))
                .ToList()
            : [];
        return Task.FromResult(found);
    }
}

/// <summary>One approval email as received: recipient(s), subject, the approval link in it, and its bodies.</summary>
public sealed record Email(string To, string Subject, string Link, string Text, string Html);
