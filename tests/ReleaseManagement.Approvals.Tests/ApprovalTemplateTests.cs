using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Communications;
using ReleaseManagement.Approvals.Tests.Infrastructure;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Approvals.Tests;

/// <summary>The approval email from its Liquid templates: the release's warnings, the kinds, an override folder, the release's fields.</summary>
public sealed class ApprovalTemplateTests
{
    private static readonly DateTimeOffset Deadline = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly ReleaseRequest Release = new(
        "rel-w", "Billing 2.7", ReleaseType.Minor, ["Billing", "Ledger"], new DateOnly(2030, 1, 8), "dev@example.com",
        Scope: [new ScopeItem("Invoice export", ScopeKind.Feature, "https://tracker.example.com/BILL-9")], Notes: "Two developers.");

    private static readonly ReleaseWarning[] Warnings =
    [
        new("window-conflict", "Another release <Ledger 4> uses the same production window.", Deadline.AddHours(-2)),
        new("over-cadence", "This is the third Minor release this month; the policy allows two.", Deadline.AddHours(-3)),
        new("missing-health-data", "No monitoring data arrived for billing.", Deadline.AddHours(-1)),
    ];

    private static ApprovalEmailComposer Composer(string? folder = null) => new(
        Options.Create(new ApprovalOptions { PublicBaseUrl = "https://releases.example.com/" }),
        new NoticeTemplateStore(Options.Create(new CommunicationsOptions { TemplatesPath = folder ?? string.Empty })));

    private static ApprovalEmailModel Model(ApprovalKind kind = ApprovalKind.Request, IReadOnlyList<ReleaseWarning>? warnings = null) =>
        new(Release, ApprovalStages.Plan, kind, new ApproverRef("lead@example.com", "technical-lead"), "Medium", null, Deadline, "tok" + new string('A', 40))
        {
            Warnings = warnings ?? [],
        };

    [Fact]
    public void Compose_ReleaseWithWarnings_ListsEachWithItsCodeOldestFirstInBothParts()
    {
        var message = Composer().Compose(Model(warnings: Warnings));

        Assert.Contains(
            "Warnings on this release:\n"
            + "  - [over-cadence] This is the third Minor release this month; the policy allows two.\n"
            + "  - [window-conflict] Another release <Ledger 4> uses the same production window.\n"
            + "  - [missing-health-data] No monitoring data arrived for billing.\n",
            message.TextBody,
            StringComparison.Ordinal);
        Assert.Contains(
            "<li class=\"warning warning-window-conflict\"><span class=\"kind\" style=\"font-size:12px;font-weight:600;color:#92400e;\">window-conflict</span> Another release &lt;Ledger 4&gt; uses the same production window.</li>",
            message.HtmlBody,
            StringComparison.Ordinal);
        Assert.Contains("warning-over-cadence", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("warning-missing-health-data", message.HtmlBody, StringComparison.Ordinal);
        Assert.True(
            message.HtmlBody.IndexOf("warning-over-cadence", StringComparison.Ordinal) < message.HtmlBody.IndexOf("warning-window-conflict", StringComparison.Ordinal),
            "The oldest warning comes first.");
        Assert.DoesNotContain("<Ledger 4>", message.HtmlBody, StringComparison.Ordinal);

        // The rendered email, kept to be read as an approver would.
        File.WriteAllText(Path.Combine(TestEnvironment.ArtifactsDirectory, "approval-email.html"), message.HtmlBody);
        File.WriteAllText(Path.Combine(TestEnvironment.ArtifactsDirectory, "approval-email.txt"), message.TextBody);
    }

    [Fact]
    public void Compose_NoWarnings_HasNoWarningsSection()
    {
        var message = Composer().Compose(Model());

        Assert.DoesNotContain("Warnings on this release", message.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Warnings on this release", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"warning", message.HtmlBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ApprovalKind.Request, "[Approval needed] Billing 2.7 (rel-w): Release plan approval by 2030-01-01 12:00 UTC", "Your decision is needed.")]
    [InlineData(ApprovalKind.Reminder, "[Reminder] Billing 2.7 (rel-w): Release plan approval by 2030-01-01 12:00 UTC", "This is a reminder: your decision is still needed.")]
    [InlineData(ApprovalKind.Escalation, "[Escalation] Billing 2.7 (rel-w): Release plan approval by 2030-01-01 12:00 UTC", "The deadline for this decision has been reached without a decision; it is escalated to you.")]
    public void Compose_EachKind_HasItsSubjectHeaderAndIntro(ApprovalKind kind, string subject, string intro)
    {
        var message = Composer().Compose(Model(kind));

        Assert.Equal(subject, message.Subject);
        Assert.StartsWith(intro + "\n\nRelease:       Billing 2.7 (rel-w)\n", message.TextBody, StringComparison.Ordinal);
        Assert.Contains($"<p style=\"margin:0 0 12px;\">{intro}</p>", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains($"font-weight:600;border-radius:8px 8px 0 0;\">{subject[1..subject.IndexOf(']', StringComparison.Ordinal)]}: Release plan</td>", message.HtmlBody, StringComparison.Ordinal);
        Assert.StartsWith("<!DOCTYPE html>", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("  - [feature] Invoice export (https://tracker.example.com/BILL-9)\nPlanning notes: Two developers.\n", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Decisions so far:\n  Nobody has decided yet.\n\nApprove or reject on the page.\n", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Gates of this stage:\n  No gate applies to this stage.\n\nScope:\n", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_TemplatesInTheFolder_ReplaceTheBuiltInOnesOfTheSameNameOnly()
    {
        var folder = Directory.CreateTempSubdirectory("approval-templates-").FullName;
        File.WriteAllText(Path.Combine(folder, "approval-email.txt.liquid"), "Decide on {{ release.title }} by {{ deadline }}: {{ link }}{% for w in release.warnings %} [{{ w.code }}]{% endfor %}");
        File.WriteAllText(Path.Combine(folder, "approval-layout.html.liquid"), "<html><body class=\"ours\">{{ content }}</body></html>");

        var message = Composer(folder).Compose(Model(warnings: Warnings));

        Assert.Equal($"Decide on Billing 2.7 by 2030-01-01 12:00 UTC: https://releases.example.com/api/approvals/tok{new string('A', 40)} [over-cadence] [window-conflict] [missing-health-data]", message.TextBody);
        Assert.StartsWith("<html><body class=\"ours\"><p style=\"margin:0 0 12px;\">Your decision is needed.</p>", message.HtmlBody, StringComparison.Ordinal);
        Assert.StartsWith("[Approval needed] Billing 2.7", message.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void From_Release_GivesEveryFieldAsTheTemplatesShowIt()
    {
        var release = new ReleaseRequest("2026.12.0", "December <release>", ReleaseType.Minor, ["Billing", "Ledger"], new DateOnly(2026, 12, 5), "rm@example.com",
            Scope: [new ScopeItem("TLS only", ScopeKind.Security)], Notes: "Buffer week.");

        var view = ApprovalReleaseView.From(release, [new ReleaseWarning("notice-not-sent", "The T-7 notice was not sent.", Deadline)]);

        Assert.Equal(
            ("2026.12.0", "December <release>", "Minor", "Billing, Ledger", "2026-12-05", "rm@example.com", "Normal", "Buffer week."),
            (view.Id, view.Title, view.Type, view.Systems, view.TargetDate, view.RequestedBy, view.ChangeCategory, view.Notes));
        Assert.Equal([new ScopeItemView("security", "TLS only", string.Empty)], view.Scope);
        Assert.Equal([new WarningView("notice-not-sent", "The T-7 notice was not sent.")], view.Warnings);
    }

    [Fact]
    public void From_NoRequesterNotesOrWarnings_SaysNotGivenAndListsNothing()
    {
        var view = ApprovalReleaseView.From(new ReleaseRequest("r-1", "T", ReleaseType.Hotfix, ["Billing"], new DateOnly(2026, 12, 5)), null);

        Assert.Equal((ApprovalReleaseView.NotGiven, ApprovalReleaseView.NotGiven), (view.RequestedBy, view.Notes));
        Assert.Empty(view.Scope);
        Assert.Empty(view.Warnings);
    }
}
