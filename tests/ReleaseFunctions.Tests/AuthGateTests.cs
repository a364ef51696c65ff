using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using ReleaseFunctions.Tests.Support;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Api;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Auth;
using ReleaseManagement.Api.Dashboard;

namespace ReleaseFunctions.Tests;

/// <summary>The local host in <c>Auth__Mode=AppService</c>, over HTTP, as App Service authentication would front it.</summary>
public sealed class AppServiceModeHost : IAsyncLifetime
{
    public LocalHostProcess Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Host = await LocalHostProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["AzureWebJobsStorage"] = Azurite.ConnectionString,
                ["TaskHubName"] = Azurite.UniqueTaskHub("auth"),
                ["Auth__Mode"] = "AppService",
            },
            cancellationToken: TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}

/// <summary>
/// Issue 24, section 1: in AppService mode every route but the anonymous ones (one list, <see cref="AnonymousRoutes"/>)
/// needs the App Service principal (401 problem, nothing stored), and a body naming another actor than the principal is
/// refused (403, nothing stored). The Functions app runs the same gate (<see cref="AuthGate"/>) as worker middleware.
/// </summary>
public sealed class AuthGateTests(AppServiceModeHost fixture) : IClassFixture<AppServiceModeHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client => fixture.Host.Client;

    private static HttpRequestMessage Request(HttpMethod method, string path, string? person = null, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (person is not null)
        {
            request.Headers.Add(AppServicePrincipal.Header, AppServicePrincipal.Encode(person));
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return request;
    }

    private static string ReleaseJson(string id, string? requestedBy) =>
        $$"""{ "id": "{{id}}", "title": "Auth", "type": "Minor", "systems": ["Billing"], "targetDate": "{{ValidRelease.TargetDate()}}", {{(requestedBy is null ? "" : $"\"requestedBy\": \"{requestedBy}\", ")}}"approvers": {{System.Text.Json.JsonSerializer.Serialize(ValidRelease.Approvers)}} }""";

    private static string Concrete(string template) =>
        "/" + ApiRoutes.Prefix + "/" + template.Replace("{id}", "auth-none", StringComparison.Ordinal).Replace("{name}", "x", StringComparison.Ordinal)
            .Replace("{token}", "x", StringComparison.Ordinal).Replace("{period}", "2024-01", StringComparison.Ordinal);

    /// <summary>How many rows the release's audit trail has, as a release manager reads it.</summary>
    private async Task<int> AuditRowCountAsync(string id)
    {
        using var audit = await Client.SendAsync(Request(HttpMethod.Get, $"/api/releases/{id}/audit", "rm@example.com"), Ct);
        Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
        return (await audit.Content.ReadFromJsonAsync<JsonObject>(Ct))!["entries"]!.AsArray().Count;
    }

    private static async Task AssertSignInRequiredAsync(HttpResponseMessage response, string what)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{what}: {(int)response.StatusCode}, expected 401");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);
        Assert.Equal("Sign-in required.", (string?)problem!["title"]);
        Assert.Equal(401, (int?)problem["status"]);
    }

    [Fact]
    public async Task EveryRouteButTheAnonymousOnes_NoPrincipal_Answers401Problem()
    {
        var guarded = ApiRoutes.All.Where(r => !AnonymousRoutes.Templates.Contains(r)).ToList();
        Assert.Contains(DashboardRoutes.SignInRoute, guarded);
        Assert.Contains(ApiRoutes.Releases, guarded);
        foreach (var route in guarded)
        {
            foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post })
            {
                using var response = await Client.SendAsync(Request(method, Concrete(route), json: method == HttpMethod.Post ? "{}" : null), Ct);
                await AssertSignInRequiredAsync(response, $"{method} {route}");
            }
        }

        // The local host's own pages outside the API too.
        foreach (var path in new[] { "/", "/dev/mailbox" })
        {
            using var response = await Client.GetAsync(path, Ct);
            await AssertSignInRequiredAsync(response, $"GET {path}");
        }
    }

    [Fact]
    public async Task AnonymousRoutes_NoPrincipal_AreServedByTheirHandlers()
    {
        using var health = await Client.GetAsync("/api/health", Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        // An approval link that is not valid: the link page says so (its token is its identity).
        using var link = await Client.GetAsync("/api/approvals/not-a-token", Ct);
        Assert.Equal(HttpStatusCode.NotFound, link.StatusCode);
        Assert.Equal("text/html", link.Content.Headers.ContentType?.MediaType);

        // Unsigned webhooks: refused by the webhook's own signature check, not by the sign-in gate.
        foreach (var webhook in new[] { ApiRoutes.GitHubWebhook, ApiRoutes.AzureDevOpsWebhook, ApiRoutes.CDEventsWebhook })
        {
            using var response = await Client.SendAsync(Request(HttpMethod.Post, Concrete(webhook), json: "{}"), Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.DoesNotContain("Sign-in required.", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CreateRelease_NoPrincipal_401AndNothingStored()
    {
        var id = "auth-" + Guid.NewGuid().ToString("N")[..10];

        using var refused = await Client.SendAsync(Request(HttpMethod.Post, "/api/releases", json: ReleaseJson(id, "rm@example.com")), Ct);
        await AssertSignInRequiredAsync(refused, "POST /api/releases");

        using var read = await Client.SendAsync(Request(HttpMethod.Get, $"/api/releases/{id}", "rm@example.com"), Ct);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task CreateRelease_BodyNamesAnotherRequester_403AndNothingStored()
    {
        var id = "auth-" + Guid.NewGuid().ToString("N")[..10];

        using var refused = await Client.SendAsync(Request(HttpMethod.Post, "/api/releases", "dev@example.com", ReleaseJson(id, "someone.else@example.com")), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonObject>(Ct);
        Assert.Equal("Not the signed-in person.", (string?)problem!["title"]);
        Assert.Contains("requestedBy", (string?)problem["detail"], StringComparison.Ordinal);
        using var read = await Client.SendAsync(Request(HttpMethod.Get, $"/api/releases/{id}", "dev@example.com"), Ct);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task CreateRelease_RequesterLeftOutOrTheSamePerson_IsThePrincipal()
    {
        var absent = "auth-" + Guid.NewGuid().ToString("N")[..10];
        var same = "auth-" + Guid.NewGuid().ToString("N")[..10];

        using var filled = await Client.SendAsync(Request(HttpMethod.Post, "/api/releases", "Dev@Example.com", ReleaseJson(absent, null)), Ct);
        using var named = await Client.SendAsync(Request(HttpMethod.Post, "/api/releases", "Dev@Example.com", ReleaseJson(same, "dev@example.com")), Ct);

        Assert.Equal(HttpStatusCode.Accepted, filled.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, named.StatusCode);
        using var read = await Client.SendAsync(Request(HttpMethod.Get, $"/api/releases/{absent}", "dev@example.com"), Ct);
        Assert.Equal("Dev@Example.com", (string?)(await read.Content.ReadFromJsonAsync<JsonObject>(Ct))!["requestedBy"]);
    }

    /// <summary>
    /// Issue 24, section 7, for the steering routes and the plan decision: each × {no principal, a person without a role, the
    /// wrong role, the requester (after their own release's creation), the right role}. Every refusal is 401 or 403 with a problem body and
    /// leaves the release's audit trail as it was (every change to a release is audited); the right role gets past the
    /// permission table (202, or the 409 of a rule that needs a state the release is not in: nothing deployed, nothing
    /// waiting, not stranded).
    /// </summary>
    [Theory]
    [InlineData("POST", "cancel", """{ "reason": "matrix" }""", "stakeholder@example.com", "rm@example.com", 202, true)]
    [InlineData("PATCH", "", """{ "targetDate": "TARGET" }""", "qa@example.com", "rm@example.com", 202, true)]
    [InlineData("POST", "milestones/code-freeze", "{}", "po@example.com", "lead@example.com", 202, false)]
    [InlineData("POST", "rollback", """{ "reason": "matrix" }""", "lead@example.com", "rm@example.com", 409, false)]
    [InlineData("POST", "retry", "{}", "lead@example.com", "rm@example.com", 409, false)]
    [InlineData("POST", "skip", """{ "reason": "matrix" }""", "lead@example.com", "rm@example.com", 409, false)]
    [InlineData("POST", "resume", "{}", "qa@example.com", "rm@example.com", 409, false)]
    [InlineData("POST", "evidence", """{ "item": "code-review", "kind": "attestation", "approved": true }""", "qa@example.com", "lead@example.com", 202, false)]
    [InlineData("POST", "decisions", """{ "stage": "plan", "decision": "approve" }""", "qa@example.com", "lead@example.com", 202, false)]
    public async Task SteeringRoute_EveryKindOfCaller_OnlyTheRightRoleGetsPastAndRefusalsChangeNothing(
        string method, string action, string json, string wrongRole, string rightRole, int rightAnswer, bool requesterMay)
    {
        const string requester = "requester@example.com";
        var id = "authz-" + Guid.NewGuid().ToString("N")[..10];
        using (var created = await Client.SendAsync(Request(HttpMethod.Post, "/api/releases", requester, ReleaseJson(id, null)), Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        }

        var path = $"/api/releases/{id}" + (action.Length > 0 ? "/" + action : "");
        var body = json.Replace("TARGET", ValidRelease.TargetDate(42), StringComparison.Ordinal);
        async Task<HttpResponseMessage> SendAsync(string? person) => await Client.SendAsync(Request(new HttpMethod(method), path, person, body), Ct);
        Task<int> AuditRowsAsync() => AuditRowCountAsync(id);

        // The release runs (a request raised to it would be kept) before anything is refused.
        await Eventually.UntilAsync(AuditRowsAsync, rows => rows > 0, TimeSpan.FromSeconds(60), "the release's first audit row");
        var before = await AuditRowsAsync();

        using (var anonymous = await SendAsync(null))
        {
            await AssertSignInRequiredAsync(anonymous, $"{method} {path}");
        }

        foreach (var person in requesterMay ? new[] { "nobody@example.com", wrongRole } : ["nobody@example.com", wrongRole, requester])
        {
            using var refused = await SendAsync(person);
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} by {person}: {(int)refused.StatusCode} {await refused.Content.ReadAsStringAsync(Ct)}");
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains(person, (string?)(await refused.Content.ReadFromJsonAsync<JsonObject>(Ct))!["detail"] ?? "", StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(before, await AuditRowsAsync());
        // Where the requester may act (until the plan is approved) they are the one who gets past; else the role holder.
        using var allowed = await SendAsync(requesterMay ? requester : rightRole);
        Assert.True((int)allowed.StatusCode == rightAnswer, $"{method} {path}: {(int)allowed.StatusCode} {await allowed.Content.ReadAsStringAsync(Ct)}");
    }

    /// <summary>
    /// Issue 24, section 7, for the release page's forms (plain form posts, as a browser sends them; the outage controls,
    /// retry, skip and resume, answer 409 to the one who may while nothing waits): each × {no principal, a
    /// person without a role, the wrong role, the requester (who may reschedule and cancel until the plan is approved), the
    /// right role}, every caller with the anti-forgery value of the
    /// page shown to them. No principal is 401; every other refusal is 403 with the release page saying why, and leaves the
    /// release's audit trail as it was; the right role's post is accepted (303 back to the page, or the 409 page of a rule
    /// that needs a state the release is not in: nothing deployed).
    /// </summary>
    [Theory]
    [InlineData("milestones", "milestone=code-freeze", "po@example.com", "lead@example.com", 303, false)]
    [InlineData("evidence", "item=code-review&kind=attestation&approved=true", "qa@example.com", "lead@example.com", 303, false)]
    [InlineData("evidence", "item=performance-benchmarks&kind=waiver&reason=matrix", "lead@example.com", "rm@example.com", 303, false)]
    [InlineData("reschedule", "targetDate=TARGET&reason=matrix", "qa@example.com", "rm@example.com", 303, true)]
    [InlineData("cancel", "reason=matrix&confirm=yes", "lead@example.com", "rm@example.com", 303, true)]
    [InlineData("rollback", "reason=matrix&confirm=yes", "lead@example.com", "rm@example.com", 409, false)]
    [InlineData("outage", "action=retry", "lead@example.com", "rm@example.com", 409, false)]
    [InlineData("outage", "action=skip&reason=matrix", "qa@example.com", "rm@example.com", 409, false)]
    [InlineData("resume", "reason=matrix", "po@example.com", "rm@example.com", 409, false)]
    public async Task ReleasePageForm_EveryKindOfCaller_OnlyTheRightRoleGetsPastAndRefusalsChangeNothing(
        string action, string fields, string wrongRole, string rightRole, int rightAnswer, bool requesterMay)
    {
        const string requester = "requester@example.com";
        var id = "formz-" + Guid.NewGuid().ToString("N")[..10];
        using (var created = await Client.SendAsync(Request(HttpMethod.Post, "/api/releases", requester, ReleaseJson(id, null)), Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        }

        var path = $"{DashboardRoutes.Release(id)}/{action}";
        // A browser's post, whose 303 back to the page is seen as such (not followed).
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Host.BaseAddress };
        Task<int> AuditRowsAsync() => AuditRowCountAsync(id);

        // The anti-forgery value of the page as shown to the person (a forged post is refused before any rule: not tested here).
        async Task<HttpResponseMessage> PostAsync(string? person)
        {
            var form = "";
            if (person is not null)
            {
                using var page = await Client.SendAsync(Request(HttpMethod.Get, DashboardRoutes.Release(id), person), Ct);
                var html = await page.Content.ReadAsStringAsync(Ct);
                form = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "name=\"form\" value=\"([^\"]+)\"").Groups[1].Value);
                Assert.True(form.Length > 0, $"no anti-forgery value on the page shown to {person}: {(int)page.StatusCode}");
            }

            var request = Request(HttpMethod.Post, path, person);
            request.Content = new StringContent(
                $"form={Uri.EscapeDataString(form)}&{fields.Replace("TARGET", ValidRelease.TargetDate(42), StringComparison.Ordinal)}",
                Encoding.UTF8, "application/x-www-form-urlencoded");
            using (request)
            {
                return await browser.SendAsync(request, Ct);
            }
        }

        await Eventually.UntilAsync(AuditRowsAsync, rows => rows > 0, TimeSpan.FromSeconds(60), "the release's first audit row");
        var before = await AuditRowsAsync();

        using (var anonymous = await PostAsync(null))
        {
            await AssertSignInRequiredAsync(anonymous, $"POST {path}");
        }

        foreach (var person in requesterMay ? new[] { "nobody@example.com", wrongRole } : ["nobody@example.com", wrongRole, requester])
        {
            using var refused = await PostAsync(person);
            var page = await refused.Content.ReadAsStringAsync(Ct);
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"POST {path} by {person}: {(int)refused.StatusCode} {System.Text.RegularExpressions.Regex.Match(page, "role=\"alert\"[^<]*<[^>]*>[^<]*<[^>]*>([^<]*)").Value}");
            Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(before, await AuditRowsAsync());
        // Where the requester may act (reschedule and cancel until the plan is approved) they are the one who gets past.
        var allowedPerson = requesterMay ? requester : rightRole;
        using var allowed = await PostAsync(allowedPerson);
        Assert.True((int)allowed.StatusCode == rightAnswer, $"POST {path} by {allowedPerson}: {(int)allowed.StatusCode}");
        if (rightAnswer == 303)
        {
            await Eventually.UntilAsync(AuditRowsAsync, rows => rows > before, TimeSpan.FromSeconds(30), $"the audit row of the accepted {action}");
        }
    }

    [Fact]
    public async Task PipelineSimulator_AppServiceMode_Is404EvenWhenSignedIn()
    {
        using var request = Request(HttpMethod.Post, Concrete(PipelineSimulator.Route), "rm@example.com");
        request.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["signal"] = "milestone" });
        using var post = await Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Contains("only on the local host in Development mode", await post.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal); // refused by the simulator, before any delivery
    }

    [Fact]
    public async Task DevSignIn_AppServiceMode_Is404EvenWhenSignedIn()
    {
        using var page = await Client.SendAsync(Request(HttpMethod.Get, DashboardRoutes.SignIn, "dev@example.com"), Ct);
        using var post = await Client.SendAsync(Request(HttpMethod.Post, DashboardRoutes.SignIn, "dev@example.com"), Ct);

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.False(post.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public void FunctionsApp_RunsTheSameGateAsWorkerMiddleware()
    {
        // The Functions host cannot run here (no Core Tools); as the host-parity tests do, its build is read instead: the
        // middleware class over the shared gate, and Program.cs registering it after the problem middleware.
        _ = FunctionsApp.Metadata; // builds the app first
        var assembly = Assembly.LoadFrom(Path.Combine(Repo.BuildOutput("ReleaseFunctions"), "ReleaseFunctions.dll"));
        var middleware = assembly.GetType("ReleaseFunctions.AuthMiddleware", throwOnError: true)!;
        Assert.Contains(middleware.GetInterfaces(), i => i.FullName == "Microsoft.Azure.Functions.Worker.Middleware.IFunctionsWorkerMiddleware");
        Assert.Equal([typeof(AuthGate).FullName], middleware.GetConstructors().Single().GetParameters().Select(p => p.ParameterType.FullName));

        var program = File.ReadAllText(Repo.Path("src", "ReleaseFunctions", "Program.cs"));
        var problems = program.IndexOf("UseMiddleware<ReleaseFunctions.ProblemMiddleware>()", StringComparison.Ordinal);
        var gate = program.IndexOf("UseMiddleware<ReleaseFunctions.AuthMiddleware>()", StringComparison.Ordinal);
        Assert.True(problems >= 0 && gate > problems, "Program.cs must register AuthMiddleware (after ProblemMiddleware)");

        // Both hosts serve the dev sign-in route, so the gate and the 404 outside Development apply in both.
        Assert.Contains(FunctionsApp.Triggers("httpTrigger"), t => (string?)t.Binding["route"] == DashboardRoutes.SignInRoute);
    }
}
