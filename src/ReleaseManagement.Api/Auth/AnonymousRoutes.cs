namespace ReleaseManagement.Api.Auth;

/// <summary>
/// The one list of routes served without a signed-in person in <see cref="AuthMode.AppService"/> mode: the webhooks (their
/// HMAC or shared secret is the caller's identity), the emailed approval links (their token, plus the sign-in check of
/// <c>Approvals:RequireSignedInApprover</c>), the emailed feedback links (their token: readers such as users need no
/// account) and the health check. Both hosts' gate (<see cref="AuthGate"/>) reads it, and
/// the infra's App Service authentication <c>excludedPaths</c> must equal <see cref="ExcludedPaths"/> (a test compares them).
/// </summary>
public static class AnonymousRoutes
{
    /// <summary>Route templates relative to <see cref="ApiRoutes.Prefix"/>, as <see cref="ApiRoutes"/> declares them.</summary>
    public static IReadOnlyList<string> Templates { get; } =
    [
        ApiRoutes.GitHubWebhook,
        ApiRoutes.AzureDevOpsWebhook,
        ApiRoutes.CDEventsWebhook,
        ApiRoutes.Approval,
        ApiRoutes.FeedbackLink,
        ApiRoutes.Health,
    ];

    /// <summary>The same list as App Service authentication's <c>excludedPaths</c>: <c>/api/...</c>, a route parameter as <c>*</c>.</summary>
    public static IReadOnlyList<string> ExcludedPaths { get; } = Templates.Select(ExcludedPath).ToArray();

    /// <summary>Whether <paramref name="path"/> (the request path, from the root) is one of <see cref="Templates"/>.</summary>
    public static bool IsAnonymous(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return false;
        }

        var segments = path.TrimEnd('/').Split('/');
        foreach (var template in Templates)
        {
            var parts = $"/{ApiRoutes.Prefix}/{template}".Split('/');
            if (parts.Length == segments.Length && parts.Zip(segments).All(p => Matches(p.First, p.Second)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Matches(string templatePart, string segment) =>
        templatePart.StartsWith('{') && templatePart.EndsWith('}')
            ? segment.Length > 0
            : string.Equals(templatePart, segment, StringComparison.OrdinalIgnoreCase);

    private static string ExcludedPath(string template) =>
        "/" + ApiRoutes.Prefix + "/" + string.Join('/', template.Split('/').Select(p => p.StartsWith('{') ? "*" : p));
}
