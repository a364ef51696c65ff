using ReleaseFunctions.TestSupport;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Tests;

/// <summary>
/// A request's scope and notes, the change category's request-time risk rule (reclassified or refused), and a decision on
/// a stage whose gate fails, through the real handlers on Azurite.
/// </summary>
public sealed class PlanningAndCategoryRequestTests : IAsyncLifetime
{
    private ApiHarness _h = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _h = await ApiHarness.StartAsync();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    private Task<Answer> CreateAsync(ApiHarness h, string json) => h.CallAsync(r => h.Releases.CreateAsync(r, h.Client, Ct), json);

    private Task<Answer> GetAsync(string id) => _h.CallAsync(_ => _h.Releases.GetAsync(id, _h.Client, Ct), method: "GET");

    private string Body(string id, string extra, string type = "Minor", ApiHarness? on = null) =>
        $$"""{ "id": "{{id}}", "title": "Planned {{id}}", "type": "{{type}}", "systems": ["{{(on ?? _h).System}}"], "targetDate": "{{ValidRelease.TargetDate()}}", "approvers": {{ApiHarness.ApproversJson}}{{extra}} }""";

    [Fact]
    public async Task Create_WithScopeAndNotes_StoresThemAndGetReturnsThem()
    {
        var id = ApiHarness.NewId("scope");

        var answer = await CreateAsync(_h, Body(id, """
            , "scope": [
                { "title": "Invoice PDF export", "kind": "feature", "link": "https://tracker.example.com/BILL-12" },
                { "title": "Rounding fix", "kind": "Fix" },
                { "title": "TLS 1.3 only", "kind": "security" } ],
              "notes": "Resources: two developers. Buffer: one week before the window. Depends on Ledger 4.2."
            """));

        Assert.Equal(202, answer.Status);
        var body = (await GetAsync(id)).Body!;
        var scope = body["scope"]!.AsArray();
        Assert.Equal(["Invoice PDF export", "Rounding fix", "TLS 1.3 only"], scope.Select(s => (string)s!["title"]!));
        Assert.Equal(["Feature", "Fix", "Security"], scope.Select(s => (string)s!["kind"]!));
        Assert.Equal("https://tracker.example.com/BILL-12", (string?)scope[0]!["link"]);
        Assert.Null(scope[1]!["link"]);
        Assert.Equal("Resources: two developers. Buffer: one week before the window. Depends on Ledger 4.2.", (string?)body["notes"]);
        var stored = (await _h.Store.GetAsync(id, Ct))!.Request;
        Assert.Equal(3, stored.Scope!.Count);
        Assert.Equal(ScopeKind.Security, stored.Scope[2].Kind);
        await _h.EndAsync(id);
    }

    [Fact]
    public async Task Create_BadScopeOrNotes_Is400NamingEachFieldAndStoresNothing()
    {
        var id = ApiHarness.NewId("badscope");

        var answer = await CreateAsync(_h, Body(id, $$"""
            , "scope": [ { "kind": "feature" }, { "title": "X", "kind": "chore" }, { "title": "Y", "kind": "fix", "link": "javascript:alert(1)" }, null ],
              "notes": "{{new string('n', ReleaseRequestShape.MaxNotesLength + 1)}}"
            """));

        Assert.Equal(400, answer.Status);
        Assert.Equal(["notes", "scope[0].title", "scope[1].kind", "scope[2].link", "scope[3]"], answer.ErrorFields.Order(StringComparer.Ordinal));
        Assert.Contains("use one of feature, fix, configuration, security", answer.Errors("scope[1].kind").Single(), StringComparison.Ordinal);
        Assert.Null(await _h.Store.GetAsync(id, Ct));
    }

    [Fact]
    public async Task Create_WithObjectives_StoresThemAndGetShowsThem_BadOnesAre400NamingEachFieldAndStoreNothing()
    {
        // Issue 27, point 2. The built-in policy defines no measures: a measured objective is refused, an attested one kept.
        var id = ApiHarness.NewId("obj");
        var answer = await CreateAsync(_h, Body(id, """
            , "objectives": [ { "id": "adoption", "description": "Finance teams use the new export", "attestedBy": "product-owner" } ]
            """));
        Assert.Equal(202, answer.Status);
        var shown = Assert.Single((await GetAsync(id)).Body!["objectives"]!.AsArray());
        Assert.Equal(("adoption", "product-owner"), ((string?)shown!["id"], (string?)shown["attestedBy"]));
        Assert.Equal("product-owner", Assert.Single((await _h.Store.GetAsync(id, Ct))!.Request.Objectives!).AttestedBy);
        await _h.EndAsync(id);

        var bad = ApiHarness.NewId("badobj");
        var refused = await CreateAsync(_h, Body(bad, """
            , "objectives": [
                { "id": "a", "description": "Both", "measure": "x", "attestedBy": "product-owner" },
                { "id": "b", "description": "No comparison", "measure": "x", "target": 1, "after": ["7.00:00:00", "soon"] },
                { "id": "b", "description": "", "attestedBy": "nobody-holds-this" },
                null ]
            """));
        Assert.Equal(400, refused.Status);
        Assert.Equal(["objectives[0]", "objectives[1].after[1]", "objectives[1].comparison", "objectives[2].description", "objectives[2].id", "objectives[3]"],
            refused.ErrorFields.Order(StringComparer.Ordinal));
        Assert.Null(await _h.Store.GetAsync(bad, Ct));

        // Structurally right, but against the policy: no such measure, nobody holds the role.
        var unknown = await CreateAsync(_h, Body(bad, """
            , "objectives": [
                { "id": "m", "description": "Conversion", "measure": "checkout-conversion", "comparison": "AtLeast", "target": 3.5, "after": ["7.00:00:00"] },
                { "id": "r", "description": "Adopted", "attestedBy": "nobody-holds-this" } ]
            """));
        Assert.Equal(400, unknown.Status);
        Assert.Contains("the policy defines none", unknown.Errors("objectives[0].measure").Single(), StringComparison.Ordinal);
        Assert.Contains("Nobody holds the role 'nobody-holds-this'", unknown.Errors("objectives[1].attestedBy").Single(), StringComparison.Ordinal);
        Assert.Null(await _h.Store.GetAsync(bad, Ct));
    }

    [Fact]
    public async Task Create_WithFeatureFlags_StoresThemAndGetShowsThem_BadOnesAre400NamingEachFieldAndStoreNothing()
    {
        var id = ApiHarness.NewId("flags");
        var answer = await CreateAsync(_h, Body(id, """
            , "featureFlags": [ { "name": "new-checkout", "steps": [5, 25, 100] }, { "name": "dark-mode", "steps": [100] } ]
            """));
        Assert.Equal(202, answer.Status);
        var shown = (await GetAsync(id)).Body!["featureFlags"]!.AsArray();
        Assert.Equal(["new-checkout", "dark-mode"], shown.Select(f => (string?)f!["name"]));
        Assert.Equal([5, 25, 100], shown[0]!["steps"]!.AsArray().Select(s => (int)s!));
        var stored = (await _h.Store.GetAsync(id, Ct))!.Request.FeatureFlags!;
        Assert.Equal([5, 25, 100], stored[0].Steps);
        await _h.EndAsync(id);

        var bad = ApiHarness.NewId("badflags");
        var refused = await CreateAsync(_h, Body(bad, """
            , "featureFlags": [
                { "name": "has space", "steps": [100] },
                { "name": "new-checkout", "steps": [25, 5, 100] },
                { "name": "NEW-checkout", "steps": [5, 50] },
                { "name": "ok", "steps": [12.5, 100] },
                { "name": "none" },
                null ]
            """));
        Assert.Equal(400, refused.Status);
        Assert.Equal(["featureFlags[0].name", "featureFlags[1].steps[1]", "featureFlags[2].name", "featureFlags[2].steps", "featureFlags[3].steps[0]",
            "featureFlags[4].steps", "featureFlags[5]"], refused.ErrorFields.Order(StringComparer.Ordinal));
        Assert.Contains("must be 100 %", refused.Errors("featureFlags[2].steps").Single(), StringComparison.Ordinal);
        Assert.Null(await _h.Store.GetAsync(bad, Ct));
    }

    [Fact]
    public async Task Create_SystemThePolicyDoesNotName_Is400SayingWhichSystemsItKnowsAndStoresNothing()
    {
        // The 400 once seen when a test used the system "ledger": the built-in policy knows four systems, and a release may
        // only touch those (its approvers, audiences and health thresholds come from the system's entry).
        var id = ApiHarness.NewId("ledger");

        var answer = await CreateAsync(_h, Body(id, string.Empty).Replace($"[\"{_h.System}\"]", $"[\"{_h.System}\", \"ledger\"]", StringComparison.Ordinal));

        Assert.Equal(400, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal("The release request does not meet the release policy.", answer.Str("title"));
        Assert.Equal(["systems[1]"], answer.ErrorFields);
        Assert.StartsWith("'ledger' is not a known system: use one of Billing, Customer Sites, Forecasting, Integration, api-", answer.Errors("systems[1]").Single(), StringComparison.Ordinal);
        Assert.Null(await _h.Store.GetAsync(id, Ct));
    }

    [Fact]
    public async Task Create_StandardChangeAssessedHigh_IsReclassifiedAsNormalAndSaysSo()
    {
        var id = ApiHarness.NewId("reclass");

        var answer = await CreateAsync(_h, Body(id, """, "changeCategory": "Standard", "impact": "High", "probability": "High" """));

        Assert.Equal(202, answer.Status);
        var body = (await GetAsync(id)).Body!;
        Assert.Equal("Normal", (string?)body["changeCategory"]);
        Assert.Equal("Standard", (string?)body["reclassifiedFrom"]);
        await _h.EndAsync(id);
    }

    [Fact]
    public async Task Create_StandardChangeAssessedHighWhenThePolicyRefuses_Is400WithTheReasonAndStoresNothing()
    {
        var policy = ReleasePolicyDefaults.Create();
        policy = policy with
        {
            ChangeCategories = policy.ChangeCategories.ToDictionary(kv => kv.Key, kv => kv.Key == ChangeCategory.Standard ? kv.Value with { OnRiskAboveMax = RiskAboveMaxRule.Refuse } : kv.Value),
        };
        await using var h = await ApiHarness.StartAsync(policy);
        var id = ApiHarness.NewId("refused");

        var answer = await CreateAsync(h, Body(id, """, "changeCategory": "Standard", "impact": "High", "probability": "Medium" """, on: h));

        Assert.Equal(400, answer.Status);
        Assert.Equal(["changeCategory"], answer.ErrorFields);
        Assert.StartsWith("A Standard change accepts risk up to Low, but it is assessed High (impact High, probability Medium)", answer.Errors("changeCategory").Single(), StringComparison.Ordinal);
        Assert.Null(await h.Store.GetAsync(id, Ct));
    }

    /// <summary>
    /// At 20:30 in New York (the built-in policy's zone) it is already tomorrow in UTC: "today" is the policy zone's date, so
    /// a hotfix for the New York date is accepted and one for the day before is refused, in winter (UTC-5) and summer (UTC-4).
    /// </summary>
    [Theory]
    [InlineData("2027-01-13T01:30:00Z", "2027-01-12", "2027-01-11")]
    [InlineData("2027-07-14T00:30:00Z", "2027-07-13", "2027-07-12")]
    public async Task Create_HotfixForTodayInThePolicyZoneWhenUtcIsAlreadyTomorrow_IsAcceptedAndYesterdayIsRefused(
        string utcNow, string newYorkToday, string newYorkYesterday)
    {
        _h.Time.SetUtcNow(DateTimeOffset.Parse(utcNow, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(20, TimeZoneInfo.ConvertTime(_h.Time.GetUtcNow(), PolicyTime.Zone(_h.Policy)).Hour);
        var today = ApiHarness.NewId("hotfix-today");
        var yesterday = ApiHarness.NewId("hotfix-past");

        var accepted = await CreateAsync(_h, Body(today, string.Empty, "Hotfix").Replace(ValidRelease.TargetDate(), newYorkToday, StringComparison.Ordinal));
        var refused = await CreateAsync(_h, Body(yesterday, string.Empty, "Hotfix").Replace(ValidRelease.TargetDate(), newYorkYesterday, StringComparison.Ordinal));

        Assert.True(accepted.Status == 202, $"the hotfix for {newYorkToday} answered {accepted}");
        Assert.Equal(DateOnly.Parse(newYorkToday, System.Globalization.CultureInfo.InvariantCulture), (await _h.Store.GetAsync(today, Ct))!.Request.TargetDate);
        Assert.Equal(400, refused.Status);
        Assert.Equal(["targetDate"], refused.ErrorFields);
        Assert.Null(await _h.Store.GetAsync(yesterday, Ct));
        await _h.EndAsync(today);
    }

    [Fact]
    public async Task Decision_ApproveWhileTheStagesGateFails_Is409AndRaisesNothing_ARejectionIsAccepted()
    {
        var id = await _h.StartReleaseAsync();
        var at = _h.Time.GetUtcNow();
        const string blocked = "the gate is failing (unit-tests) and this stage's rule does not allow an approval while a gate fails; fix, re-run or waive the failing item first.";
        await _h.Store.ApplyAsync(ReleaseFunctions.TestSupport.StatusWrites.Change(id, ReleasePhase.Promotion, ReleaseStatus.Active, "Awaiting approval.", at,
            stage: ApprovalStageKeys.PromotionIntegration,
            pendingApprovals: [new PendingApproval(ApprovalStageKeys.PromotionIntegration, ["technical-lead"], at.AddDays(1),
                [new GateItemStatus("unit-tests", "Failed", "'unit-tests' failed.")], blocked)]), Ct);

        var approve = await _h.CallAsync(r => _h.Decisions.DecideAsync(id, r, _h.Client, Ct),
            """{ "stage": "promotion:integration", "decision": "approve", "approver": "lead@example.com", "role": "technical-lead" }""");
        var reject = await _h.CallAsync(r => _h.Decisions.DecideAsync(id, r, _h.Client, Ct),
            """{ "stage": "promotion:integration", "decision": "reject", "approver": "lead@example.com", "role": "technical-lead", "comment": "tests fail" }""");

        Assert.Equal(409, approve.Status);
        Assert.Equal("An approval is not accepted while a gate fails.", approve.Str("title"));
        Assert.Contains(blocked, approve.Str("detail"), StringComparison.Ordinal);
        Assert.Equal(202, reject.Status);
        var received = Assert.Single(await _h.ReceivedAsync(id));
        Assert.Equal(ReleaseEventNames.Approval, received.Name);
        Assert.False(received.Approval!.Approved);
    }
}
