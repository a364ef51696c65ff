using System.Text.Json;
using Microsoft.Playwright;
using ReleaseManagement.Api.Dashboard;

namespace ReleaseManagement.Dashboard.Tests;

/// <summary>Steps the browser test classes share: a release brought to Development, a form submitted, the simulator clicked.</summary>
internal static class BrowserSteps
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A release started through the API whose plan both approvers approved: it waits in Development.</summary>
    public static async Task<string> ReleaseInDevelopmentAsync(this DashboardSystem system, string title)
    {
        var id = await system.CreateReleaseAsync(title, ct: Ct);
        await system.WaitForReleaseAsync(id, r => r.GetProperty("pendingApprovals").GetArrayLength() > 0, Ct);
        await system.DecideAsync(id, "plan", "po@example.com", "product-owner", Ct);
        await system.DecideAsync(id, "plan", "lead@example.com", "technical-lead", Ct);
        await system.WaitForReleaseAsync(id, r => r.GetProperty("phase").GetString() == "Development", Ct);
        return id;
    }

    /// <summary>
    /// Submits the form and waits for the page that answers it: the release page saying it was done after a 303, else the
    /// release page rendered again at the form's address. Returns the status of the post's answer.
    /// </summary>
    public static async Task<int> SubmitFormAsync(this IPage page, string form)
    {
        var action = await page.GetAttributeAsync($"#form-{form} form", "action");
        IResponse? answer = null;
        await page.RunAndWaitForLoadAsync(
            async () => answer = await page.RunAndWaitForResponseAsync(() => page.ClickAsync($"#form-{form} button[type=submit]"), r => r.Request.Method == "POST"),
            url => url.EndsWith($"?done={form}", StringComparison.Ordinal) || new Uri(url).AbsolutePath == action);
        return answer!.Status;
    }

    /// <summary>Posts the release page's form <paramref name="action"/> as a client other than the page would (no browser).</summary>
    public static Task<HttpResponseMessage> PostFormAsync(this DashboardSystem system, string id, string action, Dictionary<string, string> fields) =>
        system.Host.Client.PostAsync($"{DashboardRoutes.Release(id)}/{action}", new FormUrlEncodedContent(fields), Ct);

    /// <summary>
    /// Once the release is at <paramref name="stage"/> (read from the API, so no page poll is waited for), clicks the
    /// simulator's button whose signal contains <paramref name="signal"/> (the first such: a gate's "all pass" button comes
    /// before the items' own) and waits for the release page the 303 leads back to.
    /// </summary>
    public static async Task SimulateAsync(this DashboardSystem system, IPage page, string id, string stage, string signal)
    {
        await system.WaitForReleaseAsync(id, r => r.GetProperty("stage").GetString() == stage, Ct);
        var button = page.Locator($"#simulator button[value*=\"{signal}\"]").First;
        if (await button.CountAsync() == 0)
        {
            await page.GotoAsync(system.Url(DashboardRoutes.Release(id)));
        }

        IResponse? answer = null;
        await page.RunAndWaitForLoadAsync(
            async () => answer = await page.RunAndWaitForResponseAsync(() => button.ClickAsync(), r => r.Request.Method == "POST"),
            url => url.EndsWith($"?done={PipelineSimulator.DoneForm}", StringComparison.Ordinal) || new Uri(url).AbsolutePath != DashboardRoutes.Release(id));
        if (answer!.Status != 303)
        {
            Assert.Fail($"{signal}: {answer.Status} {await answer.TextAsync()}");
        }
    }

    /// <summary>Once the release asks for <paramref name="item"/> (its status reason or stage says so), the signed-in person attests it from the form.</summary>
    public static async Task AttestFromFormAsync(this DashboardSystem system, IPage page, string id, Func<JsonElement, bool> asked, string item)
    {
        await system.WaitForReleaseAsync(id, asked, Ct);
        await page.GotoAsync(system.Url(DashboardRoutes.Release(id)));
        await page.ClickAsync("#form-attestation summary");
        await page.SelectOptionAsync("#attestation-item", item);
        await page.FillAsync("#attestation-note", "Checked by hand.");
        Assert.Equal(303, await page.SubmitFormAsync("attestation"));
    }
}
