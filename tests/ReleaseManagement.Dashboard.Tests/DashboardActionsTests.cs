using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReleaseManagement.Api;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;
using static ReleaseManagement.Dashboard.Tests.Builders;

namespace ReleaseManagement.Dashboard.Tests;

/// <summary>The milestone form's checks that come before anything is recorded: the anti-forgery value and, with sign-in on, who may act.</summary>
public sealed class DashboardActionsTests
{
    private readonly FakeTimeProvider _time = new(Now);

    private DashboardActions Actions(bool signIn)
    {
        var audit = new ReleaseManagement.Api.Audit.AuditRecorder(new ReleaseFunctions.TestSupport.InMemoryAuditTrail(), _time);
        var raiser = new ManualEventRaiser(null!, _time, NullLogger<ManualEventRaiser>.Instance);
        var control = new ReleaseControl(new OneRelease(), new ReleasePolicies(new ReleaseFunctions.TestSupport.InMemoryPolicySnapshots(), DefaultPolicy), raiser, audit, _time, Options(signIn), NullLogger<ReleaseControl>.Instance);
        return new(
            new MilestoneHandler(control, _time),
            new EvidenceHandler(control, Options(signIn), _time, NullLogger<EvidenceHandler>.Instance),
            new RescheduleHandler(control, new OneRelease(), DefaultPolicy, NullLogger<RescheduleHandler>.Instance),
            new CancelHandler(control, NullLogger<CancelHandler>.Instance),
            new RollbackHandler(control, null!, NullLogger<RollbackHandler>.Instance),
            new OutageDecisionHandler(control, NullLogger<OutageDecisionHandler>.Instance),
            new ResumeHandler(new OneRelease(), null!, null!, new ReleasePolicies(new ReleaseFunctions.TestSupport.InMemoryPolicySnapshots(), DefaultPolicy), Options(signIn), _time, NullLogger<ResumeHandler>.Instance, audit),
            new OneRelease(),
            Options(signIn),
            new ReleasePolicies(new ReleaseFunctions.TestSupport.InMemoryPolicySnapshots(), DefaultPolicy),
            _time);
    }

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

    private static string Form(string value, string? by = "rm@example.com") =>
        $"form={Uri.EscapeDataString(value)}&milestone=code-freeze" + (by is null ? "" : $"&by={Uri.EscapeDataString(by)}");

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

        var outcome = await actions.RecordMilestoneAsync("r1", Post(Form(actions.FormValue("r1", Get(person)), by: null), person), null!, TestContext.Current.CancellationToken);

        Assert.Equal(403, outcome.StatusCode);
        Assert.Contains("stranger@example.com does not hold the technical-lead or release-manager role", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordMilestone_SignedInPersonNamingSomeoneElseAsBy_Is403BeforeAnyRoleCheck()
    {
        var actions = Actions(signIn: false);
        const string person = "stranger@example.com";

        var outcome = await actions.RecordMilestoneAsync("r1", Post(Form(actions.FormValue("r1", Get(person)), by: "rm@example.com"), person), null!, TestContext.Current.CancellationToken);

        Assert.Equal(403, outcome.StatusCode);
        Assert.Contains("'by' names rm@example.com, but the signed-in user is stranger@example.com", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordEvidence_ValueThatIsNoNumber_Is400OnThatFieldBeforeTheApi()
    {
        var actions = Actions(signIn: false);
        var form = $"form={Uri.EscapeDataString(actions.FormValue("r1", Get()))}&kind=evidence&item=test-coverage&value=lots&by=rm%40example.com";

        // The durable client is null: reaching the API handler would throw.
        var outcome = await actions.RecordEvidenceAsync("r1", Post(form), null!, TestContext.Current.CancellationToken);

        Assert.Equal(400, outcome.StatusCode);
        Assert.Equal(["'lots' is not a number."], outcome.Errors["value"]);
    }

    [Fact]
    public async Task RecordEvidence_WaiverWithoutReason_IsRefusedByTheApisValidator()
    {
        var actions = Actions(signIn: false);
        var form = $"form={Uri.EscapeDataString(actions.FormValue("r1", Get()))}&kind=waiver&item=unit-tests&by=rm%40example.com";

        var outcome = await actions.RecordEvidenceAsync("r1", Post(form), null!, TestContext.Current.CancellationToken);

        Assert.Equal((400, "waiver"), (outcome.StatusCode, outcome.Form));
        Assert.Equal(["A waiver needs a reason."], outcome.Errors["reason"]);
        Assert.Equal("The evidence is invalid.", outcome.Summary);
        Assert.Contains("A waiver needs a reason.", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_WithoutTheConfirmationBox_Is400AndNothingIsSent()
    {
        var actions = Actions(signIn: false);
        var form = $"form={Uri.EscapeDataString(actions.FormValue("r1", Get()))}&reason=Not+needed&by=rm%40example.com";

        var outcome = await actions.CancelAsync("r1", Post(form), null!, TestContext.Current.CancellationToken);

        Assert.Equal((400, "cancel"), (outcome.StatusCode, outcome.Form));
        Assert.True(outcome.Errors.ContainsKey("confirm"));
    }

    [Fact]
    public async Task Rollback_WithoutTheConfirmationBox_Is400AndNothingIsSent()
    {
        var actions = Actions(signIn: false);
        var form = $"form={Uri.EscapeDataString(actions.FormValue("r1", Get()))}&reason=Payments+fail&environment=production&by=rm%40example.com";

        var outcome = await actions.RollbackAsync("r1", Post(form), null!, TestContext.Current.CancellationToken);

        Assert.Equal((400, "rollback"), (outcome.StatusCode, outcome.Form));
        Assert.True(outcome.Errors.ContainsKey("confirm"));
        Assert.Equal("Payments fail", outcome.Values["reason"]);
    }

    [Fact]
    public async Task Rollback_SignedInPersonWhoIsNoReleaseManager_Is403()
    {
        var actions = Actions(signIn: true);
        const string person = "stranger@example.com";
        var form = $"form={Uri.EscapeDataString(actions.FormValue("r1", Get(person)))}&reason=Stop&confirm=yes";

        var outcome = await actions.RollbackAsync("r1", Post(form, person), null!, TestContext.Current.CancellationToken);

        Assert.Equal(403, outcome.StatusCode);
        Assert.Contains("stranger@example.com does not hold the release-manager role", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reschedule_BadDate_IsRefusedByTheApisValidatorOnThatField()
    {
        var actions = Actions(signIn: false);
        var form = $"form={Uri.EscapeDataString(actions.FormValue("r1", Get()))}&targetDate=next+week&by=rm%40example.com";

        var outcome = await actions.RescheduleAsync("r1", Post(form), null!, TestContext.Current.CancellationToken);

        Assert.Equal((400, "reschedule"), (outcome.StatusCode, outcome.Form));
        Assert.Contains("is not a date", outcome.Errors["targetDate"][0], StringComparison.Ordinal);
        Assert.Equal("next week", outcome.Values["targetDate"]);
    }

    [Fact]
    public async Task Cancel_SignedInPersonWhoIsNoReleaseManager_Is403()
    {
        var actions = Actions(signIn: true);
        const string person = "stranger@example.com";
        var form = $"form={Uri.EscapeDataString(actions.FormValue("r1", Get(person)))}&reason=Stop&confirm=yes";

        var outcome = await actions.CancelAsync("r1", Post(form, person), null!, TestContext.Current.CancellationToken);

        Assert.Equal(403, outcome.StatusCode);
        Assert.Contains("stranger@example.com does not hold the release-manager role for release 'r1'; only a holder (or its requester, until its plan is approved) may cancel it.", outcome.Message, StringComparison.Ordinal);
    }

    /// <summary>A store holding release r1 only; nothing may be written.</summary>
    private sealed class OneRelease : IReleaseStore
    {
        public Task<ReleaseRecord?> GetAsync(string releaseId, CancellationToken cancellationToken = default) =>
            Task.FromResult(releaseId == "r1" ? Release("r1") : null);

        public Task<bool> TryCreateAsync(ReleaseRecord record, CancellationToken cancellationToken = default) => throw new InvalidOperationException("nothing may be written");

        public Task ApplyAsync(ReleaseWrite write, CancellationToken cancellationToken = default) => throw new InvalidOperationException("nothing may be written");

        public Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string releaseId, CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<TimelineEntry>>([]);

        public Task<IReadOnlyList<ReleaseRecord>> ListAsync(ReleaseQuery query, CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<ReleaseRecord>>([]);
    }
}
