using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;
using static ReleaseManagement.Dashboard.Tests.Builders;

namespace ReleaseManagement.Dashboard.Tests;

public sealed class ReleaseFormsTests
{
    private static readonly FormContext Local = new("form", "v4lue", AsksWho: true);

    private static ActionForm Form(ReleaseForms forms, string name) => forms.Forms.Single(f => f.Name == name);

    private static IReadOnlyList<string> Items(ActionForm form) => form.Fields.Single(f => f.Name == "item").Options.Select(o => o.Value).ToArray();

    [Fact]
    public void Build_ActiveRelease_OffersEveryFormWithTheAntiForgeryValueAndWhoActs()
    {
        var forms = ReleaseForms.Build(Release("r1"), HandEvidencePolicy, Local, null, null);

        Assert.Equal(["milestone", "evidence", "attestation", "waiver", "document", "known-issue", "reschedule", "cancel"], forms.Forms.Select(f => f.Name));
        Assert.All(forms.Forms, f => Assert.Contains(new HiddenField("form", "v4lue"), f.Hidden));
        Assert.All(forms.Forms, f => Assert.Equal("by", f.Fields[^1].Name));
        Assert.All(forms.Forms, f => Assert.StartsWith("/api/dashboard/releases/r1/", f.Action, StringComparison.Ordinal));
        Assert.Null(forms.Notice);
    }

    [Theory]
    [InlineData(ReleasePhase.Promotion)]
    [InlineData(ReleasePhase.Validation)]
    [InlineData(ReleasePhase.PostRelease)]
    public void Build_ReleaseThatMayBeDeployed_OffersARollbackFormWithItsConfirmation(ReleasePhase phase)
    {
        var forms = ReleaseForms.Build(Release("r1", phase), DefaultPolicy, Local, null, null);

        var rollback = Form(forms, "rollback");
        Assert.Equal("/api/dashboard/releases/r1/rollback", rollback.Action);
        Assert.Equal(["", "integration", "staging", "production"], rollback.Fields.Single(f => f.Name == "environment").Options.Select(o => o.Value));
        Assert.True(rollback.Fields.Single(f => f.Name == "reason").Required);
        Assert.Contains(rollback.Fields, f => f.Name == "confirm" && f.Type == "checkbox");
        Assert.Equal("cancel", forms.Forms[^1].Name);
    }

    [Theory]
    [InlineData(ReleasePhase.Planning)]
    [InlineData(ReleasePhase.Development)]
    public void Build_ReleaseNotDeployedYet_OffersNoRollbackForm(ReleasePhase phase) =>
        Assert.DoesNotContain(ReleaseForms.Build(Release("r1", phase), DefaultPolicy, Local, null, null).Forms, f => f.Name == "rollback");

    [Theory]
    [InlineData(ReleaseStatus.Completed)]
    [InlineData(ReleaseStatus.Cancelled)]
    [InlineData(ReleaseStatus.RolledBack)]
    public void Build_EndedRelease_OffersNoForm(ReleaseStatus status) =>
        Assert.Empty(ReleaseForms.Build(Release("r1", ReleasePhase.Closed, status), DefaultPolicy, Local, null, null).Forms);

    [Fact]
    public void Build_SignInOn_DoesNotAskWhoActs()
    {
        var forms = ReleaseForms.Build(Release("r1"), DefaultPolicy, Local with { AsksWho = false }, null, null);

        Assert.DoesNotContain(forms.Forms.SelectMany(f => f.Fields), f => f.Name == "by");
    }

    [Fact]
    public void Build_GateItemLists_FollowWhatEachItemTakes()
    {
        var forms = ReleaseForms.Build(Release("r1"), HandEvidencePolicy, Local, null, null);
        var all = GateItemInputs.Items(DefaultPolicy);

        // The environment configuration is a settings map a pipeline reports (kind configuration), not a value for the page.
        Assert.Equal(all.Where(i => i.SatisfiedBy == GateSatisfaction.Evidence && !EnvironmentConfigurationGate.Is(i)).Select(i => i.Id), Items(Form(forms, "evidence")));
        Assert.DoesNotContain(EnvironmentConfigurationGate.ItemId, Items(Form(forms, "evidence")));
        Assert.Equal(all.Where(i => i.SatisfiedBy == GateSatisfaction.Attestation).Select(i => i.Id), Items(Form(forms, "attestation")));
        Assert.Equal(all.Where(i => i.Waivable).Select(i => i.Id), Items(Form(forms, "waiver")));
        Assert.Contains("code-review", Items(Form(forms, "attestation")));
        Assert.DoesNotContain("code-review", Items(Form(forms, "evidence")));
        Assert.DoesNotContain(DefaultPolicy.SuccessCriteria.SignOffItem, Items(Form(forms, "waiver")));
    }

    /// <summary>
    /// Issue 24: machine evidence comes from pipelines. Under the built-in policy nobody reports an evidence item by hand, so
    /// the page offers no evidence form; an item naming reporterRoles (a person's report is the evidence) is offered alone.
    /// </summary>
    [Fact]
    public void Build_BuiltInPolicy_NoEvidenceFormButForAnItemNamingReporterRoles()
    {
        Assert.DoesNotContain(ReleaseForms.Build(Release("r1"), DefaultPolicy, Local, null, null).Forms, f => f.Name == "evidence");

        var gate = DefaultPolicy.QualityGates.First(g => g.Value.Items.Any(i => i.Id == "backup"));
        var byHand = DefaultPolicy with
        {
            QualityGates = DefaultPolicy.QualityGates.ToDictionary(g => g.Key, g => g.Key != gate.Key ? g.Value : g.Value with
            {
                Items = [.. g.Value.Items.Select(i => i.Id == "backup" ? i with { ReporterRoles = [PolicyRoles.ReleaseManager] } : i)],
            }),
        };
        Assert.Equal(["backup"], Items(Form(ReleaseForms.Build(Release("r1"), byHand, Local, null, null), "evidence")));
    }

    [Fact]
    public void Build_DocumentAndKnownIssueForms_OfferTheCatalogueWithVerdictsAndALinkField()
    {
        var release = Release("r1") with { Gates = [new GateItemStatus("deployment-guide", "Pending", "Document 'deployment-guide' is missing: no link reported yet.")] };

        var forms = ReleaseForms.Build(release, DefaultPolicy, Local, null, null);

        var document = forms.Forms.Single(f => f.Name == "document");
        Assert.Contains(new HiddenField("kind", "document"), document.Hidden);
        Assert.Equal(new[] { "release-notes", "deployment-guide", "rollback-procedure", "technical-documentation", "user-guide" }.Order(),
            document.Fields.Single(f => f.Name == "item").Options.Select(o => o.Value).Order());
        Assert.Contains(document.Fields.Single(f => f.Name == "item").Options, o => o.Value == "deployment-guide" && o.Label.EndsWith("(Pending)", StringComparison.Ordinal));
        Assert.Equal(("url", true), (document.Fields.Single(f => f.Name == "url").Type, document.Fields.Single(f => f.Name == "url").Required));
        var issue = forms.Forms.Single(f => f.Name == "known-issue");
        Assert.Contains(new HiddenField("kind", "known-issue"), issue.Hidden);
        Assert.Equal(["title", "note", "url", "by"], issue.Fields.Select(f => f.Name));
        Assert.True(issue.Fields[0].Required);
    }

    [Fact]
    public void Build_NoWaivableItem_OffersNoWaiverForm()
    {
        static GateItem NotWaivable(GateItem i) => i with { Waivable = false };
        var policy = DefaultPolicy with
        {
            QualityGates = DefaultPolicy.QualityGates.ToDictionary(g => g.Key, g => g.Value with { Items = [.. g.Value.Items.Select(NotWaivable)] }),
            Planning = DefaultPolicy.Planning with { Gate = DefaultPolicy.Planning.Gate with { Items = [.. DefaultPolicy.Planning.Gate.Items.Select(NotWaivable)] } },
            RiskMatrix = DefaultPolicy.RiskMatrix with
            {
                Mitigations = DefaultPolicy.RiskMatrix.Mitigations.ToDictionary(m => m.Key, m => m.Value with
                {
                    RequiredItems = m.Value.RequiredItems.ToDictionary(r => r.Key, r => (IReadOnlyList<GateItem>)[.. r.Value.Select(NotWaivable)]),
                }),
            },
            Documents = new Dictionary<string, ReleaseDocument>(), // documents are always waivable (by their waiver roles)
        };
        Assert.DoesNotContain(GateItemInputs.Items(policy), i => i.Waivable);

        var forms = ReleaseForms.Build(Release("r1"), policy, Local, null, null);

        Assert.DoesNotContain(forms.Forms, f => f.Name == "waiver");
        Assert.Contains(forms.Forms, f => f.Name == "attestation");
    }

    [Fact]
    public void Build_ItemOptions_ShowTheCurrentVerdict()
    {
        var record = Release("r1") with { Gates = [new GateItemStatus("test-coverage", "Failed", "'test-coverage' is 70 %")] };

        var option = Form(ReleaseForms.Build(record, HandEvidencePolicy, Local, null, null), "evidence").Fields[0].Options.Single(o => o.Value == "test-coverage");

        Assert.EndsWith("(Failed)", option.Label, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_RefusedForm_IsOpenWithWhatWasSentAndItsProblems()
    {
        var refused = new ActionOutcome(400, "Not recorded", "The reschedule request is invalid. A Minor release must be planned at least 30 days ahead.", "/api/dashboard/releases/r1")
        {
            Form = ReleaseForms.Reschedule,
            Summary = "The reschedule request is invalid.",
            Values = new Dictionary<string, string> { ["targetDate"] = "2026-11-11", ["reason"] = "Vendor late", ["by"] = "rm@example.com" },
            Errors = new Dictionary<string, string[]> { ["targetDate"] = ["A Minor release must be planned at least 30 days ahead."], ["other"] = ["Something else."] },
        };

        var forms = ReleaseForms.Build(Release("r1"), DefaultPolicy, Local, refused, null);

        var reschedule = Form(forms, "reschedule");
        Assert.True(reschedule.Open);
        Assert.Equal("2026-11-11", reschedule.Fields.Single(f => f.Name == "targetDate").Value);
        Assert.Equal("A Minor release must be planned at least 30 days ahead.", reschedule.Fields.Single(f => f.Name == "targetDate").Error);
        Assert.Equal("reschedule-targetDate-error", reschedule.Fields.Single(f => f.Name == "targetDate").DescribedBy);
        Assert.Equal("Vendor late", reschedule.Fields.Single(f => f.Name == "reason").Value);
        Assert.Equal(["The reschedule request is invalid.", "Something else."], reschedule.Problems);
        Assert.All(forms.Forms.Where(f => f.Name != "reschedule"), f => Assert.False(f.Open));
        Assert.Equal(new PageNotice(true, "Not recorded", "The reschedule request is invalid. A Minor release must be planned at least 30 days ahead.", "form-reschedule"), forms.Notice);
    }

    [Fact]
    public void Build_Unrefused_RescheduleFormStartsAtTheCurrentTargetDate()
    {
        var forms = ReleaseForms.Build(Release("r1", target: new DateOnly(2026, 12, 15)), DefaultPolicy, Local, null, null);

        Assert.Equal("2026-12-15", Form(forms, "reschedule").Fields.Single(f => f.Name == "targetDate").Value);
    }

    [Theory]
    [InlineData("cancel", "The cancel was sent to the release.")]
    [InlineData("evidence", "The evidence was recorded.")]
    public void Build_DoneParameter_SaysWhatWasAccepted(string done, string start)
    {
        var notice = ReleaseForms.Build(Release("r1"), DefaultPolicy, Local, null, done).Notice;

        Assert.NotNull(notice);
        Assert.False(notice.IsProblem);
        Assert.StartsWith(start, notice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_UnknownDoneParameter_SaysNothing() =>
        Assert.Null(ReleaseForms.Build(Release("r1"), DefaultPolicy, Local, null, "<script>").Notice);

    [Fact]
    public void DoneUrl_NamesTheFormOnTheReleasePage() =>
        Assert.Equal("/api/dashboard/releases/r1?done=waiver", ReleaseForms.DoneUrl("r1", ReleaseForms.Waiver));
}
