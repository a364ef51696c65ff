using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ReleaseFunctions.Tests.Support;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Policy;

namespace ReleaseFunctions.Tests;

/// <summary>
/// Chaos tests (issue 25 §3): a hotfix driven over HTTP on the local host process (its own task hub on Azurite) through a
/// step while a dependency it needs is down, checking that it reaches its normal end with every effect exactly once: the
/// emails as smtp4dev received them, the deployment requests as a local receiver accepted them, the audit rows and the
/// timeline lines. Each test owns its system, its dates, its task hub and the fault it injects (a TCP proxy in front of
/// smtp4dev, a deployment receiver, a Log Analytics fake, an Azurite of its own, the host process itself), so nothing else
/// in the run is disturbed.
/// <para>
/// <b>Outages of three minutes.</b> The mail server and the deployment endpoint stay down for three minutes from the
/// start of their outage (<see cref="OutageLength"/>, as the issue asks), far past the product's own retries: the
/// <c>dependency-unavailable</c> warning comes once the activity's five attempts (<c>ActivityCalls.Retry</c>, about 15 s)
/// have failed, and from then on <c>EffectGuard</c> tries the effect on durable timers, <c>resilience.backoff</c> apart,
/// which these tests' policy shortens to 2 s doubling to 4 s (the default is 1 min to 30 min): some forty rounds, each of
/// which must neither give up nor send twice. After three minutes the release is still Active and still warned; then the
/// dependency comes back. A timed-out deployment request costs <c>Deployments__Timeout</c>, 2 s here (default 30 s). The
/// waits cost the suite little CPU, and these tests run beside the host-kill test, the longest (docs/operations.md,
/// "Chaos tests").
/// </para>
/// <para>
/// Each test is a class of its own deriving from this one, so the project (tests/ReleaseFunctions.ChaosTests, started
/// among the first by scripts/test.sh) runs all five side by side (its xunit.runner.json): most of their time is
/// waiting on backoff timers and restarts, and the host-kill test, the longest, must not wait for a free slot.
/// </para>
/// </summary>
public abstract class ChaosEndToEndTests : IAsyncDisposable
{
    protected const string Secret = "chaos-e2e-cdevents-secret-0123456789abcdef";
    protected readonly List<string> _files = [];
    protected readonly List<(string Name, LocalHostProcess Host)> _hosts = [];
    protected readonly Smtp4DevMailbox _mailbox = new();

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public virtual ValueTask DisposeAsync()
    {
        foreach (var f in _files)
        {
            File.Delete(f);
        }

        // A failed test's host logs, for the post-mortem: .local/test-artifacts/chaos-{release}.log.
        var artifacts = Repo.Path(".local", "test-artifacts");
        Directory.CreateDirectory(artifacts);
        var passed = TestContext.Current.TestState?.Result == TestResult.Passed;
        foreach (var (name, host) in _hosts.Where(_ => !passed))
        {
            File.AppendAllText(Path.Combine(artifacts, $"chaos-{name}.log"), $"--- host {host.BaseAddress} ---\n{host.Output}");
        }

        _mailbox.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>One test's hotfix: its own system, policy, task hub and settings.</summary>
    protected sealed record Chaos(string Id, string System, ReleasePolicy Policy, Dictionary<string, string> Settings);

    /// <summary>
    /// The built-in policy in UTC with a six-second watch whose validation waits three seconds (as the hotfix end-to-end
    /// test), and the short backoff of these tests: 2 s, doubling to 4 s; maxOutage an hour (never reached here).
    /// </summary>
    protected Chaos NewChaos(string prefix, int smtpPort, Uri? deployments = null, TimeSpan? watch = null, string? system = null)
    {
        var defaults = ReleasePolicyDefaults.Create();
        system ??= OwnSystem.NewName(prefix);
        var policy = OwnSystem.AddTo(defaults, [system]) with
        {
            Access = new() { RequestMayNameApprovers = true, PeopleMayReportMachineEvidence = true },
            TimeZone = "UTC",
            SuccessCriteria = defaults.SuccessCriteria with
            {
                WatchDuration = watch ?? TimeSpan.FromSeconds(6), CheckInterval = TimeSpan.FromSeconds(1), ValidationDelay = TimeSpan.FromSeconds(3),
            },
            Resilience = new ResiliencePolicy
            {
                MaxOutage = TimeSpan.FromHours(1),
                Backoff = new RetryBackoff { Initial = TimeSpan.FromSeconds(2), Max = TimeSpan.FromSeconds(4) },
            },
        };
        var path = OwnSystem.Write(policy);
        _files.Add(path);
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["TaskHubName"] = Azurite.UniqueTaskHub(prefix),
            ["PipelineEvents__Table"] = prefix + "Events" + Guid.NewGuid().ToString("N")[..12],
            ["Webhooks__CDEvents__Secrets__0"] = Secret,
            ["Policy__Path"] = path,
            ["Email__Transport"] = "Smtp",
            ["Smtp__Host"] = "127.0.0.1",
            ["Smtp__Port"] = smtpPort.ToString(CultureInfo.InvariantCulture),
            ["Smtp__Security"] = "None",
            ["Smtp__Timeout"] = "00:00:05",
            ["Deployments__Timeout"] = "00:00:02",
        };
        if (deployments is not null)
        {
            settings["Deployments__WebhookUrl"] = deployments.ToString();
        }

        return new Chaos(NewId(prefix), system, policy, settings);
    }

    protected static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 11)];

    /// <summary>Starts the host of <paramref name="chaos"/>, its log kept for the post-mortem.</summary>
    protected async Task<LocalHostProcess> StartHostAsync(Chaos chaos)
    {
        var host = await LocalHostProcess.StartAsync(chaos.Settings, cancellationToken: Ct);
        _hosts.Add((chaos.Id, host));
        return host;
    }

    protected static async Task RequestAsync(HttpClient client, Chaos chaos)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var requested = await client.PostAsJsonAsync("/api/releases", new
        {
            id = chaos.Id, title = "Chaos hotfix", type = "Hotfix", systems = new[] { chaos.System }, targetDate = today,
            requestedBy = "lead2@example.com", approvers = ValidRelease.Approvers,
        }, Ct);
        Assert.True(requested.StatusCode == HttpStatusCode.Accepted, $"{requested.StatusCode}: {await requested.Content.ReadAsStringAsync(Ct)}");
    }

    protected HotfixDriver Driver(HttpClient client, Chaos chaos) =>
        new(client, chaos.Id, chaos.Policy, Secret, Ct) { System = chaos.System, Timeout = TimeSpan.FromSeconds(150) };

    protected static IEnumerable<string> Timeline(JsonObject release) =>
        release["timeline"]!.AsArray().Select(t => (string?)t!["message"] ?? "");

    /// <summary>How long the mail server's and the deployment endpoint's outages last from their start (issue 25 §3).</summary>
    protected static readonly TimeSpan OutageLength = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Keeps the outage that began at <paramref name="since"/> going until <see cref="OutageLength"/> has passed, then checks
    /// that the release rode it out: still Active, still warned about <paramref name="dependency"/>.
    /// </summary>
    protected static async Task RideOutAsync(DateTime since, HotfixDriver hotfix, string dependency)
    {
        var left = since + OutageLength - DateTime.UtcNow;
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left, Ct);
        }

        await hotfix.WaitAsync(r => (string?)r["status"] == "Active" && Warned(r, dependency), $"the release still Active and warned about the {dependency} after {OutageLength.TotalMinutes} minutes");
    }

    protected static bool Warned(JsonObject release, string dependency) =>
        release["warnings"]!.AsArray().Any(w => (string?)w!["code"] == "dependency-unavailable"
            && ((string?)w["message"] ?? "").StartsWith($"The {dependency} is unavailable since ", StringComparison.Ordinal));

    protected static bool AnyOutageWarning(JsonObject release) =>
        release["warnings"]!.AsArray().Any(w => (string?)w!["code"] == "dependency-unavailable");

    protected static async Task<JsonObject> AuditAsync(HttpClient client, string id)
    {
        using var response = await client.GetAsync($"/api/releases/{id}/audit", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"audit of {id}: {response.StatusCode} {text}");
        var audit = JsonNode.Parse(text)!.AsObject();
        Assert.True((bool)audit["verified"]!, text);
        return audit;
    }

    protected static IReadOnlyList<string> Summaries(JsonObject audit, string action) =>
        audit["entries"]!.AsArray().Where(e => (string?)e!["action"] == action).Select(e => (string?)e!["summary"] ?? "").ToList();

    /// <summary>
    /// The release's effects, each exactly once: every email (recipient and subject) once, the emergency approval asked of
    /// the release manager and the technical lead, the outcome notice, one deployment request per environment on the
    /// timeline and in the audit trail (a replayed or retried status write rewrites its row; a repeated request adds one).
    /// </summary>
    protected async Task AssertEveryEffectOnceAsync(HttpClient client, Chaos chaos, JsonObject done)
    {
        Assert.Equal("Completed", (string?)done["status"]);
        var mails = await Eventually.UntilAsync(
            () => _mailbox.OfAsync(chaos.Id, Ct),
            m => m.Any(x => x.Subject.StartsWith($"[{chaos.Id}] Release completed", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(90), "the outcome notice", m => string.Join("; ", m));
        var repeated = mails.GroupBy(m => m).Where(g => g.Count() > 1).Select(g => $"{g.Count()} × {g.Key}").ToList();
        Assert.True(repeated.Count == 0, "emails repeated: " + string.Join("; ", repeated));
        Assert.Contains(mails, m => m.To == "rm@example.com" && m.Subject.Contains("Emergency approval", StringComparison.Ordinal));
        Assert.Contains(mails, m => m.To == "lead@example.com" && m.Subject.Contains("Emergency approval", StringComparison.Ordinal));
        Assert.Single(mails, m => m.Subject.StartsWith($"[{chaos.Id}] Release completed", StringComparison.Ordinal));

        foreach (var environment in new[] { "staging", "production" })
        {
            Assert.Single(Timeline(done), t => t.StartsWith($"Deployment to {environment} requested", StringComparison.Ordinal));
        }

        // The status activity writes the record, then appends its audit rows: a read right after the record says the release
        // ended may come between the two (it did once, just after a restart). Waited for, not assumed.
        var audit = await ReleaseFunctions.TestSupport.Eventually.UntilAsync(
            () => AuditAsync(client, chaos.Id), a => Summaries(a, "outcome").Count > 0, TimeSpan.FromSeconds(60),
            "the outcome's audit row", a => string.Join("; ", a["entries"]!.AsArray().Select(e => (string?)e!["action"])));
        var deployments = Summaries(audit, "deployment");
        foreach (var environment in new[] { "staging", "production" })
        {
            Assert.Single(deployments, s => s.StartsWith($"Deployment to {environment} requested", StringComparison.Ordinal));
        }

        Assert.Equal(2, Summaries(audit, "decision").Count);
        Assert.Single(Summaries(audit, "outcome"));
        Assert.False(AnyOutageWarning(done), "the dependency-unavailable warning cleared itself");
    }

    /// <summary>The injected fault: storage stopped for 30 s (its length is the fault, not an assertion), then let go.</summary>
    protected static async Task PauseAsync(OwnAzurite storage)
    {
        await storage.PauseAsync();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(30), Ct);
        }
        finally
        {
            await storage.ResumeAsync();
        }
    }

    protected static async Task ReportDeployedAsync(HttpClient client, Chaos chaos, string environment)
    {
        using var request = SignedCDEvents.Deployed(chaos.Id, environment, Secret, DateTimeOffset.UtcNow, chaos.System);
        using var response = await client.SendAsync(request, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
    }

    protected static async Task SignOffAsync(HotfixDriver driver, string step)
    {
        await driver.WaitAsync(r => HotfixDriver.Reason(r, step), step);
        await driver.PostAsync("evidence", new { item = "watch-signoff", kind = "attestation", by = "rm@example.com", note = "Checked by hand" });
    }
}

/// <summary>A chaos test of its own class, so it runs beside the others (<see cref="ChaosEndToEndTests"/>).</summary>
public sealed class ChaosMailServerTests : ChaosEndToEndTests
{
    /// <summary>
    /// Issue 25 §3.1, the mail server down while approval emails and a notice are due: the host sends through a TCP proxy
    /// this test owns in front of smtp4dev. Closed (connection refused) for three minutes from the request on, the
    /// emergency approval emails fail and the release carries the <c>dependency-unavailable</c> warning naming the mail
    /// server, still Active when the three minutes are over; reopened, they go
    /// out once each and the warning clears. Closed again before the review, the outcome notice and the T+1 report fail the
    /// same way and go out once each when it reopens. Without the outage handling the approval activity's exhausted
    /// retries would fault the orchestration (the release stuck Active, no email ever sent, no warning): this test would
    /// time out waiting for the warning and then for the emails.
    /// </summary>
    [Fact]
    public async Task MailServerDown_WhileApprovalEmailsAndNoticesAreDue_EachGoesOutOnceWhenItIsBack()
    {
        await using var proxy = new TcpProxy(Smtp4DevMailbox.SmtpPort);
        var chaos = NewChaos("chmail", proxy.Port);
        await using var host = await StartHostAsync(chaos);
        var client = host.Client;
        var hotfix = Driver(client, chaos);

        var down = DateTime.UtcNow;
        await RequestAsync(client, chaos);
        // The approval emails wait on the mail server, and say so (on the timeline; the release's one outage warning may name
        // instead the late T-1 notice of this same-day hotfix, which waits on the same mail server).
        await hotfix.WaitAsync(
            r => Warned(r, "mail server") && Timeline(r).Any(t => t.Contains("the emergency approval emails waits", StringComparison.Ordinal)),
            "the mail server's outage warning, and the approval emails waiting on it");
        await RideOutAsync(down, hotfix, "mail server");
        Assert.Empty(await _mailbox.OfAsync(chaos.Id, Ct));

        proxy.Open();
        await hotfix.WaitAsync(
            r => Timeline(r).Any(t => t.StartsWith("The mail server answered again: the emergency approval emails done after an outage of", StringComparison.Ordinal))
                && !AnyOutageWarning(r),
            "the approval emails after the outage");
        await hotfix.ApproveEmergencyAsync();
        await hotfix.SubmitGateEvidenceAsync();
        await hotfix.DeployAsync();
        await hotfix.SignOffMissingHealthDataAsync("Checked by hand");
        await hotfix.WaitAsync(r => (string?)r["stage"] == "emergency-review", "the emergency review to be due");

        // Down again while the release ends: its outcome notice and the T+1 report are due.
        proxy.Close();
        await hotfix.PostAsync("evidence", new { item = "emergency-review", kind = "attestation", by = "rm@example.com", note = "Root cause: expired certificate" });
        await hotfix.WaitAsync(r => Warned(r, "mail server"), "the mail server's outage warning while the notices are due");
        Assert.DoesNotContain(await _mailbox.OfAsync(chaos.Id, Ct), m => m.Subject.StartsWith($"[{chaos.Id}] Release completed", StringComparison.Ordinal));

        proxy.Open();
        var done = await hotfix.WaitAsync(
            r => (string?)r["status"] == "Completed" && !AnyOutageWarning(r)
                && Timeline(r).Count(t => t.StartsWith("The mail server answered again:", StringComparison.Ordinal)) >= 2,
            "the release to end and its notices to go out after the second outage");
        await AssertEveryEffectOnceAsync(client, chaos, done);
        // The T+1 report asks for feedback: each reader gets it alone, once, through the outage.
        var reports = (await _mailbox.OfAsync(chaos.Id, Ct)).Where(m => m.Subject.StartsWith($"[{chaos.Id}] Post-deployment status report", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["lead2@example.com", "lead@example.com", "po@example.com", "stakeholder@example.com"], reports.Select(m => m.To).Order(StringComparer.Ordinal));
    }
}

/// <summary>A chaos test of its own class, so it runs beside the others (<see cref="ChaosEndToEndTests"/>).</summary>
public sealed class ChaosDeploymentEndpointTests : ChaosEndToEndTests
{
    /// <summary>
    /// Issue 25 §3.2, the deployment endpoint answering 500, then timing out, for three minutes, then recovering (a receiver this test owns;
    /// <c>Deployments__Timeout</c> 2 s). The staging deployment request fails on 500s until the release carries the
    /// <c>dependency-unavailable</c> warning naming the deployment pipeline, then hangs past the timeout on several tries,
    /// then is accepted: once, under the one request id every try carried (so a pipeline that had taken a hung request
    /// drops the retry), and the release goes on to Completed with one accepted request per environment. Without the outage
    /// handling the exhausted retries of the request would fault the orchestration: the receiver would never accept a
    /// request and the release never complete.
    /// </summary>
    [Fact]
    public async Task DeploymentEndpointFailingThenTimingOut_RequestAcceptedOnceWhenItRecovers()
    {
        await using var receiver = await DeploymentReceiver.StartAsync();
        receiver.Mode = ReceiverMode.Fail;
        var chaos = NewChaos("chdeploy", Smtp4DevMailbox.SmtpPort, receiver.Url);
        await using var host = await StartHostAsync(chaos);
        var client = host.Client;
        var hotfix = Driver(client, chaos);

        await RequestAsync(client, chaos);
        await hotfix.ApproveEmergencyAsync();
        var down = DateTime.UtcNow;
        await hotfix.SubmitGateEvidenceAsync();
        await hotfix.WaitAsync(r => Warned(r, "deployment pipeline"), "the deployment pipeline's outage warning");
        // The activity's own five tries ran first: without them one request would come before the warning, not several.
        // The receiver counts a request when it takes it, and on a loaded machine the last try can be taken after the client's
        // 2 s timeout has already ended it (a full run saw 4 of the 5 at this moment), so all five are waited for.
        int Failed() => receiver.Received.Count(r => r.ReleaseId == chaos.Id && r.Answer == 500);
        var failed = Failed();
        Assert.True(failed >= 2, $"{failed} request(s) answered 500 before the warning: the activity's own retries did not run first");
        await Eventually.UntilAsync(() => Task.FromResult(Failed()), n => n >= 5, TimeSpan.FromSeconds(60), "the activity's five tries to reach the receiver");

        receiver.Mode = ReceiverMode.Hang;
        await Eventually.UntilAsync(
            () => Task.FromResult(receiver.Received.Count(r => r.ReleaseId == chaos.Id && r.Answer == 0)),
            hung => hung >= 3, TimeSpan.FromSeconds(120), "three requests left hanging past the timeout");
        await RideOutAsync(down, hotfix, "deployment pipeline");
        receiver.Mode = ReceiverMode.Accept;

        await hotfix.WaitAsync(
            r => Timeline(r).Any(t => t.StartsWith("The deployment pipeline answered again: the request of the deployment to staging", StringComparison.Ordinal)),
            "the staging deployment request after the outage");
        await hotfix.DeployAsync();
        await hotfix.SignOffMissingHealthDataAsync("Checked by hand");
        var done = await hotfix.ReviewAsync("Root cause: expired certificate");

        await AssertEveryEffectOnceAsync(client, chaos, done);
        var staging = receiver.Received.Where(r => r.ReleaseId == chaos.Id && r.Environment == "staging").ToList();
        Assert.Single(staging.Select(r => r.RequestId).Distinct());
        Assert.Single(receiver.Accepted(chaos.Id), r => r.Environment == "staging");
        Assert.Single(receiver.Accepted(chaos.Id), r => r.Environment == "production");
        Assert.Equal(2, receiver.Accepted(chaos.Id).Count);
    }
}

/// <summary>A chaos test of its own class, so it runs beside the others (<see cref="ChaosEndToEndTests"/>).</summary>
public sealed class ChaosHostKilledTests : ChaosEndToEndTests
{
    /// <summary>
    /// Issue 25 §3.5, the host killed (SIGKILL) at every step boundary of a hotfix and replaced each time by a host on
    /// the same task hub (started beside it beforehand, as a replacement instance is): after the request, after the
    /// approval emails went out, between the two approvals, after the approval,
    /// after the gate evidence, at each deployment request, after each deployment was reported, at each sign-off and after
    /// the review; the hotfix ends Completed with every email and every deployment request exactly once. The engine
    /// replays the orchestration from its history after each restart, so an effect whose completion was recorded is not
    /// done again; one in flight when the host died runs again, which the activities' idempotency keys absorb (approval
    /// send keys, the deployment's request id). A product whose effects were not idempotent, or whose status rows were not
    /// keyed by writer and sequence, would show an email, a request, a timeline line or an audit row twice.
    /// </summary>
    [Fact]
    public async Task HostKilledAtEveryStepBoundary_HotfixCompletesWithEveryEffectOnce()
    {
        await using var receiver = await DeploymentReceiver.StartAsync();
        var chaos = NewChaos("chkill", Smtp4DevMailbox.SmtpPort, receiver.Url);
        // A killed host's taken messages come back after these, so the next host resumes its work quickly: the engine's
        // (default 30 s) and the pipeline events' (default 5 min; a delivery the killed host had taken waits that long).
        chaos.Settings["LocalHost__MessageVisibilityTimeout"] = "00:00:05";
        chaos.Settings["LocalHost__Queue__LeaseTime"] = "00:00:10";
        // And the killed host's task hub partition: its lease runs out after 6 s, not 30, and the next host looks every 2 s.
        chaos.Settings["LocalHost__PartitionLeaseInterval"] = "00:00:06";
        chaos.Settings["LocalHost__PartitionLeaseRenewInterval"] = "00:00:02";
        var host = await StartHostAsync(chaos);
        // The next host starts while the current one works, as a replacement instance does, so that a restart costs the
        // takeover of the killed host's partition rather than a process start too (on a loaded machine a start took up to
        // 40 s, eleven times over). Both run on the task hub until the kill: the standby may take activity work items, and
        // with the 5 s visibility timeout below one activity may run on both hosts at once, whose effects the test counts all
        // the same. So this test also shows each send once across workers (docs/architecture.md, "Each send once"): before
        // the send claims, a full run's T+1 status report went out twice.
        var standby = StartHostAsync(chaos);
        var kills = 0;
        try
        {
            HotfixDriver D() => Driver(host.Client, chaos);

            async Task KillAndRestartAsync()
            {
                await host.KillAsync();
                await host.DisposeAsync();
                kills++;
                host = await standby;
                standby = StartHostAsync(chaos);
            }

            var steps = new (string Boundary, Func<Task> Step)[]
            {
                ("requested", () => RequestAsync(host.Client, chaos)),
                ("approval emails sent", () => D().WaitAsync(r => r["pendingApprovals"]!.AsArray().Count > 0, "the emergency approval to be asked")),
                ("first approval", () => D().PostAsync("decisions", new { stage = "emergency", decision = "approve", approver = "rm@example.com", role = "release-manager" })),
                ("second approval", () => D().PostAsync("decisions", new { stage = "emergency", decision = "approve", approver = "lead@example.com", role = "technical-lead" })),
                ("gate evidence given, staging deployment requested", async () =>
                {
                    await D().SubmitGateEvidenceAsync();
                    await D().WaitAsync(r => (string?)r["stage"] == "deploy:staging", "the staging deployment request");
                }),
                ("staging deployed", () => ReportDeployedAsync(host.Client, chaos, "staging")),
                ("production deployment requested", () => D().WaitAsync(r => (string?)r["stage"] == "deploy:production", "the production deployment request")),
                ("production deployed", () => ReportDeployedAsync(host.Client, chaos, "production")),
                ("validation signed off", () => SignOffAsync(D(), "Post-deployment validation ended without monitoring data")),
                ("watch signed off", () => SignOffAsync(D(), "Watch ended without monitoring data")),
                ("review recorded", async () =>
                {
                    await D().WaitAsync(r => (string?)r["stage"] == "emergency-review", "the emergency review to be due");
                    await D().PostAsync("evidence", new { item = "emergency-review", kind = "attestation", by = "rm@example.com", note = "Root cause: expired certificate" });
                }),
            };
            foreach (var (boundary, step) in steps)
            {
                try
                {
                    await step();
                }
                catch (Exception e) when (e is TimeoutException or Xunit.Sdk.XunitException)
                {
                    throw new InvalidOperationException($"Step '{boundary}' after {kills} kills failed: {e.Message}\n--- host ---\n{host.Output}", e);
                }

                var killedAt = DateTime.UtcNow;
                await KillAndRestartAsync();
                TestContext.Current.TestOutputHelper?.WriteLine($"{boundary}: killed and restarted in {DateTime.UtcNow - killedAt}");
            }

            var done = await D().WaitAsync(r => (string?)r["status"] != "Active", "the hotfix to end");
            await AssertEveryEffectOnceAsync(host.Client, chaos, done);
            Assert.True(kills >= 10, $"{kills} kills");
            foreach (var environment in new[] { "staging", "production" })
            {
                Assert.Single(receiver.Accepted(chaos.Id).Where(r => r.Environment == environment).Select(r => r.RequestId).Distinct());
            }
        }
        finally
        {
            await host.DisposeAsync();
            try
            {
                await (await standby).DisposeAsync();
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or OperationCanceledException)
            {
                // A standby that could not start: the test's own outcome says more.
            }
        }
    }
}

/// <summary>A chaos test of its own class, so it runs beside the others (<see cref="ChaosEndToEndTests"/>).</summary>
public sealed class ChaosLogAnalyticsTests : ChaosEndToEndTests
{
    /// <summary>
    /// Issue 25 §3.3, Log Analytics answering 429 and then 503 through the post-deployment validation and part of the
    /// watch (a fake of its query protocol, HTTPS, with a managed identity token endpoint, this test's own;
    /// <c>Monitoring__MaxRetries</c> 1). The validation's reading is throttled, then refused, until the release carries
    /// the <c>dependency-unavailable</c> warning naming the health source; once the service answers, the validation reads
    /// real data and passes. Then the post-release monitor's readings fail for part of the watch: those are missing data,
    /// never a pass, so the watch ends asking the release manager's sign-off, saying how many readings had no data; signed
    /// off, the hotfix completes with every effect once. This test found a defect: the Log Analytics adapter turned an
    /// outage into a reading without data, so the validation never waited the outage out (the release went to the
    /// sign-off, or under <c>onMissingHealthData: Fail</c> was rolled back, for an outage); now the validation's single
    /// reading throws while the service is unavailable (<c>LogAnalyticsHealthMonitor.QueryAsync</c>). On a product without
    /// that, or without the outage handling, the warning never comes and the test times out.
    /// </summary>
    [Fact]
    public async Task LogAnalyticsThrottledThenUnavailable_ValidationWaitsItOutAndTheWatchCountsTheGap()
    {
        var system = OwnSystem.NewName("chhealth");
        var id = NewId("chhealth");
        await using var monitoring = await LogAnalyticsFake.StartAsync(id, system);
        monitoring.Mode = LogAnalyticsMode.Throttled;
        // The watch runs from the production deployment; the validation's outage takes about half a minute of it, and more
        // than a minute on a loaded machine (a full run once had it outlast a 60 s watch, which then ended with no reading
        // at all rather than with readings without data), so the watch lasts two minutes.
        var chaos = NewChaos("chhealth", Smtp4DevMailbox.SmtpPort, watch: TimeSpan.FromSeconds(120), system: system) with { Id = id };
        foreach (var (key, value) in monitoring.Settings)
        {
            chaos.Settings[key] = value;
        }

        chaos.Settings["Monitoring__MaxRetries"] = "1";
        chaos.Settings["PostReleaseMonitorSchedule"] = "*/2 * * * * *";
        await using var host = await StartHostAsync(chaos);
        var client = host.Client;
        var hotfix = Driver(client, chaos);

        await RequestAsync(client, chaos);
        await hotfix.ApproveEmergencyAsync();
        await hotfix.SubmitGateEvidenceAsync();
        await hotfix.DeployAsync();
        await Eventually.UntilAsync(() => Task.FromResult(monitoring.Answers.Count(a => a == 429)), n => n >= 2, TimeSpan.FromSeconds(120), "the validation's reading throttled");
        monitoring.Mode = LogAnalyticsMode.Unavailable;
        await hotfix.WaitAsync(r => Warned(r, "health source"), "the health source's outage warning");
        monitoring.Mode = LogAnalyticsMode.Healthy;
        await hotfix.WaitAsync(r => Timeline(r).Contains("Post-deployment validation passed."), "the validation to pass on real data");

        // Part of the watch: the monitor's next readings fail, then the service answers again.
        var before = monitoring.Answers.Count(a => a == 503);
        monitoring.Mode = LogAnalyticsMode.Unavailable;
        await Eventually.UntilAsync(() => Task.FromResult(monitoring.Answers.Count(a => a == 503)), n => n >= before + 2, TimeSpan.FromSeconds(60), "two watch readings refused");
        monitoring.Mode = LogAnalyticsMode.Healthy;
        var asked = await hotfix.WaitAsync(r => HotfixDriver.Reason(r, "Watch ended without monitoring data"), "the watch's sign-off");
        Assert.True(
            Timeline(asked).Any(t => t.StartsWith("Watch ended without monitoring data", StringComparison.Ordinal) && t.Contains("health reading(s) without data", StringComparison.Ordinal)),
            "the watch's line counting the readings without data; timeline: " + string.Join(" | ", Timeline(asked)));
        await hotfix.PostAsync("evidence", new { item = "watch-signoff", kind = "attestation", by = "rm@example.com", note = "Log Analytics was down for part of the watch" });
        var done = await hotfix.ReviewAsync("Root cause: expired certificate");

        await AssertEveryEffectOnceAsync(client, chaos, done);
        Assert.Contains(Timeline(done), t => t.StartsWith("The health source answered again: the post-deployment health reading done after an outage of", StringComparison.Ordinal));
        Assert.DoesNotContain(Timeline(done), t => t.StartsWith("Post-deployment validation ended without monitoring data", StringComparison.Ordinal));
    }
}

/// <summary>A chaos test of its own class, so it runs beside the others (<see cref="ChaosEndToEndTests"/>).</summary>
public sealed class ChaosStorageTests : ChaosEndToEndTests
{
    /// <summary>
    /// Issue 25 §3.4, storage paused: the host runs on an Azurite of this test's own (the shared one is never paused),
    /// stopped with SIGSTOP for 30 s in the middle of a step (just after the emergency approvals were given, while the
    /// lifecycle closes the stage, writes its status and opens the gates; and again while the staging deployment is
    /// reported), then let go with SIGCONT. Every storage call of the host, the engine's queue polls and partition-lease
    /// renewals included, hangs for those 30 s (longer than the activities' own retries, about 15 s) and the leases may
    /// expire meanwhile; the hotfix still ends Completed with every email, deployment request, timeline line and audit row
    /// once. What this guards against: a status write given up on (a line or audit row lost), an activity whose failure
    /// faulted the orchestration (the release stuck Active: without <c>EffectGuard</c> a storage call failing past its
    /// retries ends the orchestration), an effect repeated when the engine's lease moved. A pause that Azure Storage's own
    /// client timeouts absorb fails nothing on its own; the test then shows the engine and the status writes pick up where
    /// they stood. What it found: a queue poll the host gave up on during the pause is still served once storage runs
    /// again, so the pipeline delivery it dequeued stays invisible for the pump's lease (<c>LocalHost__Queue__LeaseTime</c>,
    /// 5 min by default) before it is received again: late, never lost (15 s here).
    /// </summary>
    [Fact]
    public async Task StoragePausedMidStep_HotfixCompletesWithEveryEffectOnce()
    {
        await using var storage = await OwnAzurite.StartAsync(Ct);
        await using var receiver = await DeploymentReceiver.StartAsync();
        var chaos = NewChaos("chstore", Smtp4DevMailbox.SmtpPort, receiver.Url);
        chaos.Settings["AzureWebJobsStorage"] = storage.ConnectionString;
        // A queue poll the host gave up on while storage was stopped is still served by the storage once it runs again:
        // what it dequeued stays invisible for the lease (pipeline deliveries: 5 min by default; the engine's messages:
        // 30 s) before it is received again. Shorter here, so the test waits seconds for that, not minutes.
        chaos.Settings["LocalHost__Queue__LeaseTime"] = "00:00:15";
        chaos.Settings["LocalHost__MessageVisibilityTimeout"] = "00:00:10";
        await using var host = await StartHostAsync(chaos);
        var client = host.Client;
        var hotfix = Driver(client, chaos);

        await RequestAsync(client, chaos);
        await hotfix.ApproveEmergencyAsync();
        await PauseAsync(storage);
        await hotfix.SubmitGateEvidenceAsync();
        await hotfix.WaitAsync(r => (string?)r["stage"] == "deploy:staging", "the staging deployment request");
        await ReportDeployedAsync(client, chaos, "staging");
        await PauseAsync(storage);
        await hotfix.WaitAsync(r => (string?)r["stage"] == "deploy:production", "the production deployment request");
        await ReportDeployedAsync(client, chaos, "production");
        await hotfix.SignOffMissingHealthDataAsync("Checked by hand");
        var done = await hotfix.ReviewAsync("Root cause: expired certificate");

        await AssertEveryEffectOnceAsync(client, chaos, done);
        Assert.Equal(2, receiver.Accepted(chaos.Id).Select(r => r.RequestId).Distinct().Count());
    }
}
