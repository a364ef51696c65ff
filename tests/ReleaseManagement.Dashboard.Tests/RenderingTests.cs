using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Api.Dashboard.Components;
using ReleaseManagement.Approvals;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;
using static ReleaseManagement.Dashboard.Tests.Builders;

namespace ReleaseManagement.Dashboard.Tests;

/// <summary>The components rendered as the handlers render them (HtmlRenderer, no host), and the served assets.</summary>
public sealed class RenderingTests
{
    private static readonly IServiceProvider Services = new ServiceCollection().AddLogging().BuildServiceProvider();

    private static Task<string> Render<T>(object model, string? nonce = null)
    {
        var parameters = new Dictionary<string, object?> { ["Model"] = model };
        if (nonce is not null)
        {
            parameters["Nonce"] = nonce;
        }

        return DashboardPage.RenderAsync(Services, typeof(T), parameters);
    }

    private static BoardView Board(params ReleaseRecord[] records) =>
        BoardView.Build(DefaultPolicy, records, new BoardFilter(), [], DefaultPolicy.Systems.Keys.ToArray(), Format, Now);

    [Fact]
    public async Task BoardPage_HostileTitle_IsEncodedNotMarkup()
    {
        var html = await Render<BoardPage>(Board(Release("r1", title: "<script>alert(1)</script> & co")), "n0nce");

        Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BoardPage_Layout_HasOnlyTheNoncedVendoredScriptAndTheAppsStylesheet()
    {
        var html = await Render<BoardPage>(Board(Release("r1")), "n0nce");

        var scripts = System.Text.RegularExpressions.Regex.Matches(html, "<script[^>]*>");
        var script = Assert.Single(scripts).Value;
        Assert.Contains("nonce=\"n0nce\"", script, StringComparison.Ordinal);
        Assert.Contains($"src=\"{DashboardAssets.Url("htmx.min.js")}\"", script, StringComparison.Ordinal);
        Assert.Contains($"href=\"{DashboardAssets.Url("dashboard.css")}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.StartsWith("<!DOCTYPE html>", html.TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BoardLive_Fragment_PollsItsOwnFilteredAddress()
    {
        var view = BoardView.Build(DefaultPolicy, [Release("r1")], new BoardFilter(Type: ReleaseType.Minor, Search: "a b"), [], [], Format, Now);

        var html = await Render<BoardLive>(view);

        Assert.StartsWith("<div id=\"board-live\"", html.TrimStart(), StringComparison.Ordinal);
        Assert.Contains("hx-get=\"/api/dashboard?type=Minor&amp;q=a%20b\"", html, StringComparison.Ordinal);
        Assert.Contains("hx-trigger=\"every 5s\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<html", html, StringComparison.Ordinal);
    }

    private static ReleasePageView ReleaseView(ReleaseRecord record, ApprovalDecisionRecord? decision = null) =>
        ReleasePageView.Build(
            new ReleaseDetail(record, [], [], decision is null ? new Dictionary<string, IReadOnlyList<ApprovalDecisionRecord>>() : new() { [decision.Stage] = [decision] }, [], DefaultPolicy),
            Format, Now);

    [Fact]
    public async Task ReleasePage_ApprovalWithComment_KeepsASpaceBetweenTimeAndComment()
    {
        var decision = new ApprovalDecisionRecord("d1", "r1", "plan", true, "po@example.com", "product-owner", "Looks good", Now.AddHours(-3), "email-link", null, null, null);

        var html = await Render<ReleasePage>(ReleaseView(Release("r1"), decision), "n0nce");

        Assert.Matches("</time> (—|&#x2014;) <q>Looks good</q>", html);
        Assert.Contains(">Plan approval <span class=\"stage-state\">(Approved)</span>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReleasePage_ActiveRelease_WritesEveryFormWithLabelsAndTheAntiForgeryValue()
    {
        var view = ReleaseView(Release("r1")) with { Actions = ReleaseForms.Build(Release("r1"), HandEvidencePolicy, new FormContext("form", "v4lue", true), null, null) };

        var html = await Render<ReleasePage>(view, "n0nce");

        foreach (var action in new[] { "milestones", "evidence", "reschedule", "cancel" })
        {
            Assert.Contains($"action=\"/api/dashboard/releases/r1/{action}\"", html, StringComparison.Ordinal);
        }

        // milestone, evidence, attestation, waiver, document, known issue, reschedule, cancel
        Assert.Equal(8, System.Text.RegularExpressions.Regex.Matches(html, "<input[^>]*name=\"form\"[^>]*value=\"v4lue\"").Count);
        Assert.Contains("<input id=\"document-url\" name=\"url\" type=\"url\"", html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"cancel-reason\">Reason</label>", html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"evidence-value\">Measured value (optional)</label>", html, StringComparison.Ordinal);
        Assert.Contains("id=\"cancel-confirm\" name=\"confirm\" value=\"yes\" required", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" open", html.Split("<details")[1].Split('>')[0], StringComparison.Ordinal);
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReleasePage_RefusedForm_IsOpenAndMarksTheFieldInvalid()
    {
        var refused = new ActionOutcome(400, "Not recorded", "The evidence is invalid.", "/api/dashboard/releases/r1")
        {
            Form = ReleaseForms.Evidence,
            Values = new Dictionary<string, string> { ["item"] = "test-coverage", ["kind"] = "evidence", ["value"] = "" },
            Errors = new Dictionary<string, string[]> { ["passed"] = ["Evidence needs 'passed' (true or false), a measured 'value', or both."] },
        };
        var view = ReleaseView(Release("r1")) with { Actions = ReleaseForms.Build(Release("r1"), HandEvidencePolicy, new FormContext("form", "v", true), refused, null) };

        var html = await Render<ReleasePage>(view, "n0nce");

        Assert.Contains("<details class=\"act-form\" id=\"form-evidence\" open", html, StringComparison.Ordinal);
        Assert.Contains("id=\"evidence-passed\" name=\"passed\" aria-invalid=\"true\" aria-describedby=\"evidence-passed-error\"", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"test-coverage\" selected", html, StringComparison.Ordinal);
        Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"#form-evidence\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReleasePage_Warnings_AreListedWithSince()
    {
        var record = Release("r1") with { Warnings = [new ReleaseWarning("missing-health-data", "Monitoring data missing for Billing.", Now.AddHours(-2))] };

        var html = await Render<ReleasePage>(ReleaseView(record), "n0nce");

        Assert.Contains("<li data-warning=\"missing-health-data\">Monitoring data missing for Billing. <span class=\"muted\">(since", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReleasePage_StepwiseRollout_DrawsTheStepBarWithEachStateInWords()
    {
        var record = Release("r1") with
        {
            Rollout = new RolloutProgress("canary", "Canary",
            [
                new RolloutStep("canary-10", "10 % of traffic", null, RolloutStates.Done),
                new RolloutStep("canary-50", "50 % of traffic", null, RolloutStates.Holding),
                new RolloutStep("canary-100", "100 % of traffic", null, RolloutStates.Pending),
            ]),
        };

        var html = await Render<ReleasePage>(ReleaseView(record), "n0nce");
        var none = await Render<ReleasePage>(ReleaseView(Release("r2")), "n0nce");

        Assert.Contains("<h2 id=\"h-rollout\">Production rollout <span class=\"muted\">(canary)</span></h2>", html, StringComparison.Ordinal);
        Assert.Contains("<li class=\"node state-done\" data-step=\"canary-10\"><h3>canary-10</h3>", html, StringComparison.Ordinal);
        Assert.Contains("<li class=\"node state-current\" data-step=\"canary-50\"><h3>canary-50</h3>\n                        <p>50 % of traffic</p>\n                        <p class=\"state\">held (analysis window)</p>", html.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("data-step=\"canary-100\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("h-rollout", none, StringComparison.Ordinal);
    }

    [Fact]
    public void ContentSecurityPolicy_AllowsNoInlineScriptAndNoOtherSite()
    {
        var csp = DashboardPage.ContentSecurityPolicy("abc");

        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'nonce-abc';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("http", csp, StringComparison.Ordinal);
    }

    [Fact]
    public void Htmx_VendoredFile_IsThePinnedReleaseUnchanged()
    {
        // htmx.org 2.0.11, package/dist/htmx.min.js (see Dashboard/Assets/VENDORED.md).
        Assert.Equal("d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717", Convert.ToHexStringLower(SHA256.HashData(DashboardAssets.Content("htmx.min.js").Span)));
    }

    [Fact]
    public async Task Serve_VersionedAsset_IsCachedForAYearAndUnknownNamesAreNotFound()
    {
        var context = new DefaultHttpContext { RequestServices = Services };
        var url = DashboardAssets.Url("dashboard.css");
        context.Request.QueryString = new QueryString(url[url.IndexOf('?', StringComparison.Ordinal)..]);
        context.Response.Body = new MemoryStream();

        await DashboardAssets.Serve("dashboard.css", context.Request).ExecuteAsync(context);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("public, max-age=31536000, immutable", context.Response.Headers.CacheControl.ToString());
        Assert.StartsWith("text/css", context.Response.ContentType, StringComparison.Ordinal);
        Assert.True(context.Response.Body.Length > 1000);

        var missing = new DefaultHttpContext { RequestServices = Services };
        await DashboardAssets.Serve("../secrets.json", missing.Request).ExecuteAsync(missing);
        Assert.Equal(404, missing.Response.StatusCode);
    }
}
