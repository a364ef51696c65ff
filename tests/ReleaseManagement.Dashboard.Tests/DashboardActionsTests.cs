using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReleaseManagement.Api;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;
using static ReleaseManagement.Dashboard.Tests.Builders;

namespace ReleaseManagement.Dashboard.Tests;

/// <summary>The milestone form's checks that come before anything is recorded: the anti-forgery value and, with sign-in on, who may act.</summary>
public sealed class DashboardActionsTests
{
    private readonly FakeTimeProvider _time = new(Now);

    private DashboardActions Actions(bool signIn) => new(
        new ReleaseControlHandlers(new OneRelease(), null!, DefaultPolicy, Options(signIn), _time, NullLogger<ReleaseControlHandlers>.Instance),
        new OneRelease(),
        Options(signIn),
        DefaultPolicy,
        _time);

    private static IOptions<ApprovalOptions> Options(bool signIn) => Microsoft.Extensions.Options.Options.Create(new ApprovalOptions
    {
        FormKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()),
        RequireSignedInApprover = signIn,
    });

    private static HttpRequest Post(string form, string? principal = null)
    {
        var context = new DefaultHttpContext();
        var bytes = Encoding.UTF8.GetBytes(form);
        context.Request.Method = "POST";
        context.Request.ContentType = "application/x-www-form-urlencoded";
        context.Request.ContentLength = bytes.Length;
        context.Request.Body = new MemoryStream(bytes);
        if (principal is not null)
        {
            context.Request.Headers[AppServicePrincipal.Header] = AppServicePrincipal.Encode(principal);
        }

        return context.Request;
    }

    private static HttpRequest Get(string? principal = null)
    {
        var context = new DefaultHttpContext();
        if (principal is not null)
        {
            context.Request.Headers[AppServicePrincipal.Header] = AppServicePrincipal.Encode(principal);
        }

        return context.Request;
    }

    private static string Form(string value) => $"form={Uri.EscapeDataString(value)}&milestone=code-freeze&by=rm%40example.com";

    [Fact]
    public async Task RecordMilestone_WithoutTheFormValue_IsRefusedAndRecordsNothing()
    {
        var outcome = await Actions(signIn: false).RecordMilestoneAsync("r1", Post("milestone=code-freeze&by=rm%40example.com"), null!, TestContext.Current.CancellationToken);

        Assert.Equal(400, outcome.StatusCode);
        Assert.Equal("/api/dashboard/releases/r1", outcome.BackUrl);
    }

    [Fact]
    public async Task RecordMilestone_FormValueOfAnotherReleaseOrAnotherPerson_IsRefused()
    {
        var actions = Actions(signIn: false);
        var ofOther = actions.FormValue("r2", Get());
        var ofSomeoneElse = actions.FormValue("r1", Get("someone@example.com"));

        Assert.Equal(400, (await actions.RecordMilestoneAsync("r1", Post(Form(ofOther)), null!, TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(400, (await actions.RecordMilestoneAsync("r1", Post(Form(ofSomeoneElse)), null!, TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task RecordMilestone_FormValueTwoHoursOld_IsRefused()
    {
        var actions = Actions(signIn: false);
        var value = actions.FormValue("r1", Get());
        _time.Advance(TimeSpan.FromHours(2));

        Assert.Equal(400, (await actions.RecordMilestoneAsync("r1", Post(Form(value)), null!, TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task RecordMilestone_SignInOnAndNobodySignedIn_Is403()
    {
        var actions = Actions(signIn: true);

        var outcome = await actions.RecordMilestoneAsync("r1", Post(Form(actions.FormValue("r1", Get()))), null!, TestContext.Current.CancellationToken);

        Assert.Equal((403, "Sign-in required"), (outcome.StatusCode, outcome.Heading));
    }

    [Fact]
    public async Task RecordMilestone_SignedInPersonWhoIsNoReleaseManager_Is403NamingThem()
    {
        var actions = Actions(signIn: true);
        const string person = "stranger@example.com";

        var outcome = await actions.RecordMilestoneAsync("r1", Post(Form(actions.FormValue("r1", Get(person))), person), null!, TestContext.Current.CancellationToken);

        Assert.Equal(403, outcome.StatusCode);
        Assert.Contains("stranger@example.com is not a release manager", outcome.Message, StringComparison.Ordinal);
    }

    /// <summary>A store holding release r1 only; nothing may be written.</summary>
    private sealed class OneRelease : IReleaseStore
    {
        public Task<ReleaseRecord?> GetAsync(string releaseId, CancellationToken cancellationToken = default) =>
            Task.FromResult(releaseId == "r1" ? Release("r1") : null);

        public Task<bool> TryCreateAsync(ReleaseRecord record, CancellationToken cancellationToken = default) => throw new InvalidOperationException("nothing may be written");

        public Task ApplyAsync(ReleaseStatusUpdate update, CancellationToken cancellationToken = default) => throw new InvalidOperationException("nothing may be written");

        public Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string releaseId, CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<TimelineEntry>>([]);

        public Task<IReadOnlyList<ReleaseRecord>> ListAsync(ReleaseQuery query, CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<ReleaseRecord>>([]);
    }
}
