using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Tests;

/// <summary>
/// The dashboard's delegations page and its form posts, handler level (plain form posts, no browser): the signed-in
/// person delegates and ends a delegation of their own; a refused form comes back with the problem and stores nothing.
/// </summary>
public sealed partial class DelegationPageTests : IAsyncLifetime
{
    private readonly string _tag = Guid.NewGuid().ToString("N")[..10];
    private ApiHarness _h = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Owner => $"owner-{_tag}@example.com";

    private string Peer => $"peer-{_tag}@example.com";

    private DelegationPages Pages => _h.Services.GetRequiredService<DelegationPages>();

    private IDelegationStore Store => _h.Services.GetRequiredService<IDelegationStore>();

    public async ValueTask InitializeAsync() => _h = await ApiHarness.StartAsync(ReleasePolicyDefaults.Create() with
    {
        Approvers = new Dictionary<string, IReadOnlyList<string>> { [PolicyRoles.TechnicalLead] = [Owner, Peer] },
    });

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private sealed record Page(int Status, string Html, string? Location)
    {
        public string FormValue => FormValuePattern().Match(Html).Groups[1].Value;
    }

    private async Task<Page> SendAsync(Func<HttpRequest, Task<IResult>> handler, string? principal, IReadOnlyDictionary<string, string>? form = null)
    {
        var context = new DefaultHttpContext { RequestServices = _h.Services };
        context.Request.Method = form is null ? "GET" : "POST";
        if (principal is not null)
        {
            context.Request.Headers[AppServicePrincipal.Header] = new StringValues(AppServicePrincipal.Encode(principal));
        }

        if (form is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(string.Join("&", form.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}")));
            context.Request.ContentType = "application/x-www-form-urlencoded";
            context.Request.ContentLength = bytes.Length;
            context.Request.Body = new MemoryStream(bytes);
        }

        using var body = new MemoryStream();
        context.Response.Body = body;
        await (await handler(context.Request)).ExecuteAsync(context);
        return new Page(context.Response.StatusCode, Encoding.UTF8.GetString(body.ToArray()), context.Response.Headers.Location.ToString());
    }

    private string Day(int days) => DateOnly.FromDateTime(_h.Time.GetUtcNow().UtcDateTime).AddDays(days).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Page_SignedIn_ShowsTheRolesToDelegateAndTheFormWithItsCsp()
    {
        var page = await SendAsync(r => Pages.ShowAsync(r, Ct), Owner);

        Assert.Equal(200, page.Status);
        Assert.Contains($"holding {PolicyRoles.TechnicalLead}", page.Html, StringComparison.Ordinal);
        Assert.Contains($"action=\"{DashboardRoutes.Delegations}\"", page.Html, StringComparison.Ordinal);
        Assert.NotEmpty(page.FormValue);
        Assert.DoesNotContain("<script>", page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FormPost_Valid_Is303AndStored_AndTheOwnerEndsItFromThePage()
    {
        var value = (await SendAsync(r => Pages.ShowAsync(r, Ct), Owner)).FormValue;
        var id = $"form-{Guid.NewGuid():N}";

        var posted = await SendAsync(r => Pages.CreateAsync(r, Ct), Owner, new Dictionary<string, string>
        {
            [DashboardActions.FormField] = value, ["id"] = id, ["to"] = Peer, ["roles"] = PolicyRoles.TechnicalLead, ["until"] = Day(5), ["reason"] = "Holiday",
        });
        var page = await SendAsync(r => Pages.ShowAsync(r, Ct), Owner);
        var ended = await SendAsync(r => Pages.CancelAsync(id, r, Ct), Owner, new Dictionary<string, string> { [DashboardActions.FormField] = value });

        Assert.Equal((303, DashboardRoutes.Delegations), (posted.Status, posted.Location));
        Assert.Contains($"id=\"delegation-{id}\"", page.Html, StringComparison.Ordinal);
        Assert.Contains(DashboardRoutes.DelegationCancel(id), page.Html, StringComparison.Ordinal);
        Assert.Equal(303, ended.Status);
        Assert.NotNull((await Store.GetAsync(id, Ct))!.CancelledAt);
    }

    [Fact]
    public async Task FormPost_UnknownDelegate_Is400WithTheProblemAndStoresNothing()
    {
        var value = (await SendAsync(r => Pages.ShowAsync(r, Ct), Owner)).FormValue;
        var id = $"form-{Guid.NewGuid():N}";

        var posted = await SendAsync(r => Pages.CreateAsync(r, Ct), Owner, new Dictionary<string, string>
        {
            [DashboardActions.FormField] = value, ["id"] = id, ["to"] = $"stranger-{_tag}@example.com", ["until"] = Day(5),
        });

        Assert.Equal(400, posted.Status);
        Assert.Contains("is not in the policy&#x27;s directory", posted.Html, StringComparison.Ordinal);
        Assert.Contains($"value=\"stranger-{_tag}@example.com\"", posted.Html, StringComparison.Ordinal);
        Assert.Null(await Store.GetAsync(id, Ct));
    }

    [Fact]
    public async Task FormPost_WithoutTheFormValueOrBySomeoneElse_Is403AndChangesNothing()
    {
        var id = $"form-{Guid.NewGuid():N}";
        var ownerValue = (await SendAsync(r => Pages.ShowAsync(r, Ct), Owner)).FormValue;
        await SendAsync(r => Pages.CreateAsync(r, Ct), Owner, new Dictionary<string, string>
        {
            [DashboardActions.FormField] = ownerValue, ["id"] = id, ["to"] = Peer, ["until"] = Day(5),
        });
        var peerValue = (await SendAsync(r => Pages.ShowAsync(r, Ct), Peer)).FormValue;

        var forged = await SendAsync(r => Pages.CreateAsync(r, Ct), Owner, new Dictionary<string, string> { ["id"] = $"x-{id}", ["to"] = Peer, ["until"] = Day(5) });
        var notOwner = await SendAsync(r => Pages.CancelAsync(id, r, Ct), Peer, new Dictionary<string, string> { [DashboardActions.FormField] = peerValue });

        Assert.Equal(403, forged.Status);
        Assert.Null(await Store.GetAsync($"x-{id}", Ct));
        Assert.Equal(403, notOwner.Status);
        Assert.Contains("only its owner may cancel it", notOwner.Html, StringComparison.Ordinal);
        Assert.Null((await Store.GetAsync(id, Ct))!.CancelledAt);
    }

    [GeneratedRegex("name=\"form\" value=\"([^\"]+)\"")]
    private static partial Regex FormValuePattern();
}
