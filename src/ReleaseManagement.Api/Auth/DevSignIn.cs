using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Api.Dashboard.Components;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Api.Auth;

/// <summary>
/// The dashboard's dev sign-in (<c>/api/dashboard/sign-in</c>), in <see cref="AuthMode.Development"/> mode only (404
/// otherwise): pick a person of the policy's directory (policy-wide and per-system approvers), kept in a cookie that
/// <see cref="AuthGate"/> turns into the App Service principal, so the dashboard and the API treat that person as signed
/// in. Not a security boundary: on a developer machine anyone may pick anyone, which is the point (trying every role).
/// A plain form POST, no script, no third-party anything.
/// </summary>
public sealed class DevSignIn(IOptions<AuthOptions> options, ReleasePolicy policy)
{
    public const string CookieName = "release-dev-user";
    public const string AuthType = "dev";
    public const string PersonField = "person";
    public const long MaxFormBytes = 4 * 1024;

    /// <summary>The person the dev sign-in cookie names, when they are in the directory.</summary>
    public static string? PersonOf(HttpRequest request, ReleasePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(request);
        var named = request.Cookies[CookieName];
        return string.IsNullOrWhiteSpace(named) ? null : People(policy).FirstOrDefault(p => string.Equals(p.Email, named.Trim(), StringComparison.OrdinalIgnoreCase))?.Email;
    }

    /// <summary>Everyone the policy's directory names, with the roles they hold (a system's roles say which system).</summary>
    public static IReadOnlyList<DirectoryPerson> People(ReleasePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var roles = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        void Add(IReadOnlyDictionary<string, IReadOnlyList<string>> directory, string? system)
        {
            foreach (var (role, people) in directory)
            {
                foreach (var person in people.Select(p => p.Trim()).Where(p => p.Length > 0))
                {
                    if (!roles.TryGetValue(person, out var list))
                    {
                        roles[person] = list = [];
                    }

                    var label = system is null ? role : $"{role} ({system})";
                    if (!list.Contains(label, StringComparer.Ordinal))
                    {
                        list.Add(label);
                    }
                }
            }
        }

        Add(policy.Approvers, null);
        foreach (var (name, system) in policy.Systems)
        {
            Add(system.Approvers, name);
        }

        return roles.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).Select(p => new DirectoryPerson(p.Key, p.Value)).ToArray();
    }

    /// <summary><c>GET /api/dashboard/sign-in</c>: the page (404 outside Development).</summary>
    public IResult Show(HttpRequest request) =>
        options.Value.Mode != AuthMode.Development ? NotHere() : Page(request, null, StatusCodes.Status200OK);

    /// <summary>
    /// <c>POST /api/dashboard/sign-in</c> <c>person=...</c>: signs in as that person (303 to the board), or signs out when
    /// empty (303 back here); a person outside the directory: the page again, 400.
    /// </summary>
    public async Task<IResult> SignInAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (options.Value.Mode != AuthMode.Development)
        {
            return NotHere();
        }

        if (request.ContentLength > MaxFormBytes || !request.HasFormContentType)
        {
            return Page(request, "Use the form on this page.", StatusCodes.Status400BadRequest);
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions { ValueLengthLimit = (int)MaxFormBytes, ValueCountLimit = 5 }, cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return Page(request, "The form sent could not be read.", StatusCodes.Status400BadRequest);
        }

        var named = form[PersonField].ToString().Trim();
        if (named.Length == 0)
        {
            request.HttpContext.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/" });
            return new SeeOther(DashboardRoutes.SignIn);
        }

        var person = People(policy).FirstOrDefault(p => string.Equals(p.Email, named, StringComparison.OrdinalIgnoreCase));
        if (person is null)
        {
            return Page(request, $"{named} is not in the policy's directory: pick one of the people listed.", StatusCodes.Status400BadRequest);
        }

        request.HttpContext.Response.Cookies.Append(CookieName, person.Email, new CookieOptions
        {
            Path = "/",
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = request.IsHttps,
            IsEssential = true,
        });
        return new SeeOther(DashboardRoutes.Board);
    }

    private DashboardPage Page(HttpRequest request, string? problem, int status) =>
        DashboardPage.Page<DevSignInPage>(
            new DevSignInView(People(policy), PersonOf(request, policy), problem, PolicyTime.Zone(policy).Id),
            status);

    private static IResult NotHere() =>
        Problems.NotFound("Not found.", "The dev sign-in exists only in Development mode (Auth:Mode); in Azure, App Service authentication signs people in.");
}

/// <summary>A person of the policy's directory and the roles they hold.</summary>
public sealed record DirectoryPerson(string Email, IReadOnlyList<string> Roles);

/// <summary>What the dev sign-in page shows.</summary>
public sealed record DevSignInView(IReadOnlyList<DirectoryPerson> People, string? Current, string? Problem, string TimeZone);
