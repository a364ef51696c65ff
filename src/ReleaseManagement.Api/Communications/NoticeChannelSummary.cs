using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Activities;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Azure.Notices;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Communications;

/// <summary>
/// The compact form of a notice for chat channels, from the same model as its email (<see cref="NoticeModel"/>): the
/// template's subject as title, the notice's description (and reason) as text, the key facts, and the release's dashboard
/// page (<c>{Approvals:PublicBaseUrl}/api/dashboard/releases/{id}</c>) as link. A plain notice (no template) keeps its
/// own subject and text.
/// </summary>
public sealed class NoticeChannelSummary(NoticeTemplateStore templates, IOptions<ApprovalOptions> approvals) : INoticeSummarizer
{
    public ChannelNotice Summarize(NoticeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var notice = context.Notice;
        var model = NoticeModel.Build(context, approvals.Value.PublicBaseUrl);
        var release = (IReadOnlyDictionary<string, object>)model["release"];
        var window = (IReadOnlyDictionary<string, object>)model["window"];
        string Get(IReadOnlyDictionary<string, object> row, string key) => Convert.ToString(row.GetValueOrDefault(key), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;

        var title = notice.Template is { } template ? templates.Render(template, "subject", model).Trim() : notice.Subject;
        var facts = notice.Facts ?? new Dictionary<string, string>();
        var text = notice.Template is null ? notice.Text : notice.Description ?? notice.Subject;
        // A notice sent late says so in the channel too, as its email does (subject and layout).
        if (((IReadOnlyDictionary<string, object>)model["notice"]).GetValueOrDefault("late") is string { Length: > 0 } late)
        {
            title = "(late) " + title;
            text = $"{late} {text}";
        }

        if (facts.GetValueOrDefault(NoticeFacts.Reason) is { Length: > 0 } reason)
        {
            text += $" Reason: {reason}";
        }

        var list = new List<ChannelFact>();
        void Add(string label, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                list.Add(new ChannelFact(label, value));
            }
        }

        Add("Release", Get(release, "id"));
        Add("Title", Get(release, "title"));
        Add("Type", Get(release, "type"));
        Add("Systems", Get(release, "systems"));
        Add("Status", string.Join(" · ", new[] { Get(release, "status"), Get(release, "stage") }.Where(s => s.Length > 0)));
        Add("Target date", Get(release, "targetDate"));
        if (window.GetValueOrDefault("defined") is true)
        {
            Add("Window", $"{Get(window, "start")} – {Get(window, "end")}");
        }

        Add("Previous target date", facts.GetValueOrDefault(NoticeFacts.PreviousTargetDate));
        Add("Outcome", facts.GetValueOrDefault(NoticeFacts.Outcome));
        if (notice.Template is { } name && (name.StartsWith("outcome-", StringComparison.Ordinal) || name == "post-deployment-status-report"))
        {
            Add("Verdict", model["verdict"] as string);
        }

        var link = Uri.TryCreate(approvals.Value.PublicBaseUrl, UriKind.Absolute, out var root)
            ? new Uri(root, DashboardRoutes.Release(notice.ReleaseId))
            : null;
        return new ChannelNotice(ChannelNotice.IdOf(notice.ReleaseId, notice.NoticeId), notice.ReleaseId, notice.NoticeId, title, text, list, link);
    }
}

/// <summary>
/// At start-up, warns of each <c>webhook:NAME</c> the policy's audiences use that no channel setting configures (the
/// policy validator cannot see app settings); a notice to it becomes a <c>channel-failed</c> warning on the release.
/// </summary>
public sealed partial class NoticeChannelCheck(ReleasePolicy policy, IOptions<NoticeChannelOptions> channels, ILogger<NoticeChannelCheck> log) : IHostedService
{
    /// <summary>The channel names the policy's audiences (policy-wide and systems') use that are not configured.</summary>
    public IReadOnlyList<string> Missing() =>
        policy.Audiences.Values
            .Concat(policy.Systems.Values.SelectMany(s => s.Audiences.Values))
            .SelectMany(entries => entries)
            .Select(ContactEntry.Parse)
            .Where(e => e.Kind == ContactKind.Webhook && channels.Value.Find(e.Value) is null)
            .Select(e => e.Value)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var name in Missing())
        {
            LogMissing(log, name, NoticeChannelOptions.UrlSetting(name));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The policy's audiences name webhook:{Channel} but no channel is configured: set {Setting} (and its Kind); notices to it will raise channel-failed warnings")]
    private static partial void LogMissing(ILogger logger, string channel, string setting);
}
