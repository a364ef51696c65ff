using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Communications;
using ReleaseManagement.Approvals;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Approvals.Tests;

public sealed class ApprovalTokensTests
{
    [Fact]
    public void Create_ManyTokens_AreUrlSafeDistinctAndCarry256Bits()
    {
        var tokens = Enumerable.Range(0, 1000).Select(_ => ApprovalTokens.Create()).ToList();
        Assert.All(tokens, t =>
        {
            Assert.Equal(ApprovalTokens.TokenLength, t.Token.Length);
            Assert.True(ApprovalTokens.IsWellFormed(t.Token));
            Assert.Equal(t.Token, Uri.EscapeDataString(t.Token));
            Assert.Equal(32, Convert.FromBase64String(t.Token.Replace('-', '+').Replace('_', '/') + "=").Length);
        });
        Assert.Equal(tokens.Count, tokens.Select(t => t.Token).Distinct().Count());
    }

    [Fact]
    public void Hash_IsTheSha256OfTheToken_AndNotTheToken()
    {
        var (token, hash) = ApprovalTokens.Create();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token))), hash);
        Assert.DoesNotContain(token, hash, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void IsWellFormed_OtherShapes_AreRejectedBeforeAnyLookup(string? token) =>
        Assert.False(ApprovalTokens.IsWellFormed(token));
}

public sealed class TemplateTests
{
    private static readonly ReleaseRequest HostileRelease = new(
        "rel-1", "<script>alert(1)</script> & \"quotes\"", ReleaseType.Major, ["<b>billing</b>"], new DateOnly(2030, 1, 2), "x@example.com");

    [Fact]
    public void Compose_HostileReleaseText_IsHtmlEncodedInTheHtmlPartAndPlainInTheText()
    {
        var composer = new ApprovalEmailComposer(Options.Create(new ApprovalOptions { PublicBaseUrl = "https://releases.example.com/" }), new NoticeTemplateStore(Options.Create(new CommunicationsOptions())));
        var (token, _) = ApprovalTokens.Create();
        var message = composer.Compose(new ApprovalEmailModel(
            HostileRelease, ApprovalStages.Plan, ApprovalKind.Reminder, new ApproverRef("lead@example.com", "technical-lead"),
            "High", "Tests <green>", new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero), token));

        Assert.Equal(["lead@example.com"], message.To);
        Assert.StartsWith("[Reminder] ", message.Subject, StringComparison.Ordinal);
        Assert.Contains("rel-1", message.Subject, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>billing", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("<script>alert(1)</script>", message.TextBody, StringComparison.Ordinal);
        Assert.Contains($"https://releases.example.com/api/approvals/{token}", message.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"https://releases.example.com/api/approvals/{token}\"", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("2030-01-01 12:00 UTC", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("High", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Major", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_BrokenTemplateInTheFolder_ThrowsNamingTheFile()
    {
        var folder = Directory.CreateTempSubdirectory("approval-templates-").FullName;
        File.WriteAllText(Path.Combine(folder, "approval-email.subject.liquid"), "[{{ tag }] {% if %}");
        var composer = new ApprovalEmailComposer(
            Options.Create(new ApprovalOptions { PublicBaseUrl = "https://releases.example.com/" }),
            new NoticeTemplateStore(Options.Create(new CommunicationsOptions { TemplatesPath = folder })));

        var e = Assert.Throws<InvalidOperationException>(() => composer.Compose(new ApprovalEmailModel(
            HostileRelease, ApprovalStages.Plan, ApprovalKind.Request, new ApproverRef("lead@example.com", "technical-lead"),
            null, null, new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero), ApprovalTokens.Create().Token)));
        Assert.Contains("approval-email.subject.liquid", e.Message, StringComparison.Ordinal);
    }
}

public sealed class AppServicePrincipalTests
{
    [Fact]
    public void Parse_EncodedPrincipal_MatchesItsEmailIgnoringCase()
    {
        var principal = AppServicePrincipal.Parse(AppServicePrincipal.Encode("Lead@Example.com"));
        Assert.NotNull(principal);
        Assert.True(principal.Is("lead@example.com"));
        Assert.False(principal.Is("other@example.com"));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("bm90IGpzb24=")]
    [InlineData("e30=")]
    public void Parse_GarbageOrNoIdentity_IsNoPrincipal(string header) => Assert.Null(AppServicePrincipal.Parse(header));
}

public sealed class ApprovalOptionsTests
{
    [Theory]
    [InlineData("", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "PublicBaseUrl")]
    [InlineData("ftp://x", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "PublicBaseUrl")]
    [InlineData("https://releases.example.com", "", "FormKey")]
    [InlineData("https://releases.example.com", "c2hvcnQ=", "FormKey")]
    public void Validate_BadSettings_NameTheSetting(string baseUrl, string key, string member)
    {
        var options = new ApprovalOptions { PublicBaseUrl = baseUrl, FormKey = key };
        var results = new List<ValidationResult>();
        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.MemberNames.Contains(member));
    }

    [Fact]
    public void Defaults_RequireSignIn_AndForbidRequesterApproval()
    {
        var options = new ApprovalOptions();
        Assert.True(options.RequireSignedInApprover);
        Assert.False(options.RequesterMayApprove);
    }
}

public sealed class NoticeModelApprovalPlanTests
{
    private static List<string> PlanApprovers(ReleaseRecord record)
    {
        var policy = ReleaseManagement.Policy.ReleasePolicyDefaults.Create();
        var context = new NoticeContext(new ReleaseManagement.Activities.ReleaseNotice(record.Request.Id, "planning", "Planned", "Planned", []), record, [], [], policy);
        var model = NoticeModel.Build(context, "https://releases.example.com");
        return ((IEnumerable<Dictionary<string, object>>)model["planApprovers"]).Select(r => (string)r["role"]).ToList();
    }

    private static ReleaseRecord Record(string id, ReleaseManagement.Policy.RiskRating impact, ReleaseManagement.Policy.RiskRating probability) =>
        new(new ReleaseRequest(id, "A release", ReleaseType.Minor, ["Billing"], new DateOnly(2027, 1, 5), Impact: impact, Probability: probability),
            DateTimeOffset.UnixEpoch, ReleasePhase.Planning, ReleaseStatus.Active, null, DateTimeOffset.UnixEpoch);

    [Fact]
    public void Build_HighRiskRelease_PlanApproversIncludeTheRoleTheRiskAdds()
    {
        Assert.Equal(["product-owner", "technical-lead", "release-manager"], PlanApprovers(Record("notice-plan-high", ReleaseManagement.Policy.RiskRating.High, ReleaseManagement.Policy.RiskRating.High)));
        Assert.Equal(["product-owner", "technical-lead"], PlanApprovers(Record("notice-plan-low", ReleaseManagement.Policy.RiskRating.Low, ReleaseManagement.Policy.RiskRating.Low)));
    }
}

public sealed class NoticeModelMilestoneTests
{
    private static readonly ReleaseManagement.Policy.ReleasePolicy Policy = ReleaseManagement.Policy.ReleasePolicyDefaults.Create();

    private static (List<string> Reached, List<string> Missing) Milestones(IReadOnlyList<TimelineEntry> timeline, IReadOnlyList<ReleaseManagement.Events.CanonicalEvent> events)
    {
        var record = new ReleaseRecord(new ReleaseRequest("notice-milestones", "A release", ReleaseType.Minor, ["Billing"], new DateOnly(2027, 1, 5)),
            DateTimeOffset.UnixEpoch, ReleasePhase.Development, ReleaseStatus.Active, null, DateTimeOffset.UnixEpoch);
        var context = new NoticeContext(new ReleaseManagement.Activities.ReleaseNotice(record.Request.Id, "feature-freeze", "Freeze", "Freeze", []), record, timeline, events, Policy);
        var model = NoticeModel.Build(context, "https://releases.example.com");
        return ((List<string>)model["milestonesReached"], (List<string>)model["milestonesMissing"]);
    }

    private static ReleaseManagement.Events.CanonicalEvent Reached(string milestone) =>
        new($"m-{milestone}", "ci", ReleaseManagement.Events.CanonicalEventType.MilestoneReached, DateTimeOffset.UnixEpoch, "notice-milestones", "Billing", null, null,
            new Dictionary<string, string> { [ReleaseManagement.Events.EventAttributes.Milestone] = milestone });

    [Fact]
    public void Build_MilestoneEvents_AreTheMilestonesReachedWhateverTheTimelineSays()
    {
        var (first, rest) = (Policy.Promotion.Milestones[0], Policy.Promotion.Milestones.Skip(1).ToList());
        Assert.NotEmpty(rest);
        // A line whose text names every milestone is no evidence; the pipeline's event is (its spelling as pipelines send it).
        IReadOnlyList<TimelineEntry> timeline = [new(1, DateTimeOffset.UnixEpoch, ReleasePhase.Development, "milestone", $"Milestone {string.Join(", ", Policy.Promotion.Milestones)} reached.")];

        var (reached, missing) = Milestones(timeline, [Reached(first.ToUpperInvariant())]);

        Assert.Equal([first], reached);
        Assert.Equal(rest, missing);
        Assert.Equal((List<string>)[], Milestones(timeline, []).Reached);
    }
}
