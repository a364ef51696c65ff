using System.Globalization;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>
/// The release page's forms to act on a release (record a milestone, evidence, an attestation, a waiver; reschedule;
/// cancel), and the notice of what the last one came to. Which forms are offered follows the release and the policy: none
/// once the release has ended, evidence only for items satisfied by evidence that a person may report by hand
/// (<see cref="GateEntitlement.PipelinesOnly"/>: machine evidence comes from pipelines), attestations only for attestation items,
/// waivers only for waivable items. The rules themselves are the API's (<see cref="DashboardActions"/> calls its handlers).
/// </summary>
public sealed partial record ReleaseForms(IReadOnlyList<ActionForm> Forms, PageNotice? Notice)
{
    public const string Milestone = "milestone";
    public const string Evidence = EvidenceKinds.Evidence;
    public const string Attestation = EvidenceKinds.Attestation;
    public const string Waiver = EvidenceKinds.Waiver;
    public const string Reschedule = "reschedule";
    public const string Cancel = "cancel";
    public const string Rollback = "rollback";
    public const string Retry = "retry";
    public const string Skip = "skip";
    public const string Resume = "resume";

    /// <summary>The query parameter of the release page that names the form whose action was accepted.</summary>
    public const string DoneParameter = "done";

    /// <summary>The value of the cancel form's confirmation box.</summary>
    public const string Confirmed = "yes";

    /// <summary>What the page says after each accepted action (a fixed text per form: the address carries only its name).</summary>
    public static readonly IReadOnlyDictionary<string, string> DoneMessages = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Milestone] = "The milestone was recorded. The release takes it in within seconds; the timeline then shows it.",
        [Evidence] = "The evidence was recorded. The gate is evaluated again with it; the checklist then shows the verdict.",
        [Attestation] = "The attestation was recorded. The gate is evaluated again with it; the checklist then shows the verdict.",
        [Waiver] = "The waiver was recorded. The gate is evaluated again with it; the checklist then shows the verdict.",
        [Document] = "The link was recorded. The gate is evaluated again with it; the checklist then shows the verdict.",
        [KnownIssue] = "The known issue was recorded. The release notes list it.",
        [Reschedule] = "The new target date was sent to the release. The page shows it once the release has taken it in.",
        [Cancel] = "The cancel was sent to the release. It ends once the release has taken it in.",
        [Rollback] = "The rollback was sent to the release. It asks the pipeline to roll back; the timeline shows the outcome.",
        [PipelineSimulator.DoneForm] = "The pipeline simulator's signed deliveries were accepted by the webhook. The release takes them in within seconds; the timeline then shows them.",
        [Retry] = "The retry was sent to the release. It tries the effect again now; the warning clears when the dependency answers.",
        [Skip] = "The skip was sent to the release. It goes on without that effect; the timeline says so.",
        [Resume] = "The release was resumed. It catches up to where it stood without doing anything twice; the timeline goes on from there.",
    };

    /// <summary>The release page's address after an accepted action of <paramref name="form"/>.</summary>
    public static string DoneUrl(string releaseId, string form) =>
        $"{DashboardRoutes.Release(releaseId)}?{DoneParameter}={Uri.EscapeDataString(form)}";

    /// <summary>The forms for <paramref name="release"/>, filled again with what was sent when <paramref name="outcome"/> is a refusal.</summary>
    /// <param name="page">The anti-forgery value of this page and whether the forms ask who acts (no sign-in).</param>
    /// <param name="done">The form named by the page's <see cref="DoneParameter"/>, if any.</param>
    /// <param name="controls">What the release waits on and whether the viewer may act on it (retry, skip, resume); none when null.</param>
    public static ReleaseForms Build(ReleaseRecord release, ReleasePolicy policy, FormContext page, ActionOutcome? outcome, string? done, ReleaseControls? controls = null)
    {
        var id = release.Request.Id;
        var failed = outcome is { Succeeded: false } ? outcome : null;
        var notice = failed is not null
            ? new PageNotice(true, failed.Heading, failed.Message, failed.Form is null ? null : FormId(failed.Form))
            : done is not null && DoneMessages.TryGetValue(done, out var message)
                ? new PageNotice(false, "Done", message, null)
                : null;
        if (release.Status != ReleaseStatus.Active)
        {
            return new ReleaseForms([], notice);
        }

        var verdicts = (release.Gates ?? []).ToDictionary(g => g.Item, g => g.Verdict, StringComparer.OrdinalIgnoreCase);
        var items = GateItemInputs.Items(policy);
        // Machine evidence comes from pipelines: the evidence form offers only the items a person may report by hand.
        bool Takes(GateItem i, string kind) => GateItemInputs.Accepts(i, kind) && !(kind == EvidenceKinds.Evidence && GateEntitlement.PipelinesOnly(i, policy.Access));
        FieldOption[] ItemsTaking(string kind) => items.Where(i => Takes(i, kind))
            .Select(i => new FieldOption(
                i.Id,
                i.Id + (i.Description is { Length: > 0 } d ? $" — {d}" : "") + (verdicts.TryGetValue(i.Id, out var v) ? $" ({v})" : "")))
            .ToArray();

        var forms = new List<ActionForm>();
        FormBuilder For(string form) => new(form, page, failed);
        if (controls is { MayAct: true })
        {
            forms.AddRange(Controls(release, controls, For));
        }

        var f = For(Milestone);
        forms.Add(f.Form(
            "Record a milestone", "Record milestone", DashboardRoutes.Action(DashboardRoutes.MilestoneRoute, id), null, [],
            [
                f.Select("milestone", "Milestone", policy.Promotion.Milestones.Select(m => new FieldOption(m, m)).ToArray()),
                f.Text("note", "Note", required: false, maxLength: RequestFields.MaxNoteLength),
            ]));

        var evidenceItems = ItemsTaking(EvidenceKinds.Evidence);
        if (evidenceItems.Length > 0)
        {
            var measured = items.Where(i => Takes(i, EvidenceKinds.Evidence) && i.Threshold is not null)
                .Select(i => $"{i.Id} {(i.Threshold!.Comparison == ThresholdComparison.AtLeast ? "at least" : "at most")} {DisplayFormat.Number(i.Threshold.Value)} {i.Threshold.Unit}".TrimEnd())
                .ToArray();
            f = For(Evidence);
            forms.Add(f.Form(
                "Record evidence", "Record evidence", DashboardRoutes.Action(DashboardRoutes.EvidenceRoute, id),
                "A result for a gate item: whether it passed, the measured value, or both.", [new(EvidenceField.Kind, EvidenceKinds.Evidence)],
                [
                    f.Select(EvidenceField.Item, "Gate item", evidenceItems),
                    f.Select(EvidenceField.Passed, "Result", [new("", "Not stated (give the value)"), new("true", "Passed"), new("false", "Failed")], required: false),
                    f.Text(EvidenceField.Value, "Measured value", required: false, type: "number",
                        hint: measured.Length == 0 ? null : "Measured items need their value: " + string.Join("; ", measured) + "."),
                    f.Text("note", "Note", required: false, maxLength: RequestFields.MaxNoteLength),
                ]));
        }

        var attestationItems = ItemsTaking(EvidenceKinds.Attestation);
        if (attestationItems.Length > 0)
        {
            f = For(Attestation);
            forms.Add(f.Form(
                "Record an attestation", "Record attestation", DashboardRoutes.Action(DashboardRoutes.EvidenceRoute, id),
                "Your word on a gate item that is satisfied by an attestation; only holders of the item's roles may give it.",
                [new(EvidenceField.Kind, EvidenceKinds.Attestation)],
                [
                    f.Select(EvidenceField.Item, "Gate item", attestationItems),
                    f.Select(EvidenceField.Approved, "Attestation", [new("true", "Approve"), new("false", "Reject")]),
                    f.Text("note", "Note", required: false, maxLength: RequestFields.MaxNoteLength),
                ]));
        }

        var waivableItems = ItemsTaking(EvidenceKinds.Waiver);
        if (waivableItems.Length > 0)
        {
            f = For(Waiver);
            forms.Add(f.Form(
                "Waive a gate item", "Record waiver", DashboardRoutes.Action(DashboardRoutes.EvidenceRoute, id),
                "A waiver stands in for a waivable item; it needs a reason and is recorded in your name.",
                [new(EvidenceField.Kind, EvidenceKinds.Waiver)],
                [
                    f.Select(EvidenceField.Item, "Gate item", waivableItems),
                    f.TextArea(EvidenceField.Reason, "Reason", required: true, maxLength: RequestFields.MaxReasonLength),
                    f.Text("note", "Note", required: false, maxLength: RequestFields.MaxNoteLength),
                ]));
        }

        forms.AddRange(DocumentForms(ItemsTaking(EvidenceKinds.Document), For, id));
        f = For(Reschedule);
        forms.Add(f.Form(
            "Reschedule", "Reschedule", DashboardRoutes.Action(DashboardRoutes.RescheduleRoute, id),
            $"A new target production date, checked against the policy (planning horizon, production windows). Now {DisplayFormat.Date(release.Request.TargetDate)}.", [],
            [
                f.Text("targetDate", "New target date", required: true, type: "date", initial: DisplayFormat.Date(release.Request.TargetDate)),
                f.Text("reason", "Reason", required: false, maxLength: RequestFields.MaxReasonLength),
            ]));
        if (release.Phase is ReleasePhase.Promotion or ReleasePhase.Deployment or ReleasePhase.Validation or ReleasePhase.PostRelease)
        {
            f = For(Rollback);
            forms.Add(f.Form(
                "Roll back a deployment", "Roll back", DashboardRoutes.Action(DashboardRoutes.RollbackRoute, id),
                "Asks the pipeline to roll back the highest environment the release is deployed to (or the one chosen). Production "
                + "ends the release Rolled back; integration or staging sends it back to the promotion into that environment.", [],
                [
                    f.Select("environment", "Environment", [new("", "The highest deployed"), .. RollbackEnvironments], required: false),
                    f.TextArea("reason", "Reason", required: true, maxLength: RequestFields.MaxReasonLength),
                    f.Checkbox("confirm", "I understand that the deployment is rolled back through the pipeline"),
                ],
                danger: true));
        }

        f = For(Cancel);
        forms.Add(f.Form(
            "Cancel the release", "Cancel release", DashboardRoutes.Action(DashboardRoutes.CancelRoute, id),
            "The release stops for good: open approvals close and no further step runs.", [],
            [
                f.TextArea("reason", "Reason", required: true, maxLength: RequestFields.MaxReasonLength),
                f.Checkbox("confirm", "I understand that the release stops and cannot be resumed"),
            ],
            danger: true));
        return new ReleaseForms(forms, notice);
    }

    /// <summary>
    /// Retry now and skip while the release waits out an outage (skip only past <c>resilience.maxOutage</c> and for an
    /// effect the procedure lets go), and resume when it is stranded: first on the page, for a release manager.
    /// </summary>
    private static IEnumerable<ActionForm> Controls(ReleaseRecord release, ReleaseControls controls, Func<string, FormBuilder> For)
    {
        var id = release.Request.Id;
        if (release.Warnings?.Any(w => w.Code == StrandedReleases.WarningCode) == true)
        {
            var f = For(Resume);
            yield return f.Form(
                "Resume the stranded release", "Resume", DashboardRoutes.Action(DashboardRoutes.ResumeRoute, id),
                "Its orchestration has stopped. Resuming restarts it from what it recorded: nothing it already did (emails, notices, "
                + "deployment requests, events) is done again.", [],
                [f.Text("reason", "Reason", required: false, maxLength: RequestFields.MaxReasonLength)]);
        }

        if (controls.Outage is not { } outage)
        {
            yield break;
        }

        var since = $"The {outage.Dependency} is unavailable since {outage.Since.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC: {outage.Effect} waits.";
        var r = For(Retry);
        yield return r.Form(
            $"Retry now: {outage.Effect}", "Retry now", DashboardRoutes.Action(DashboardRoutes.OutageRoute, id), since + " It is tried again on its own; this tries it now.",
            [new("action", Retry)], [r.Text("reason", "Reason", required: false, maxLength: RequestFields.MaxReasonLength)]);
        if (outage.Skippable && outage.Escalated)
        {
            var s = For(Skip);
            yield return s.Form(
                $"Skip: {outage.Effect}", "Skip", DashboardRoutes.Action(DashboardRoutes.OutageRoute, id),
                since + " Past resilience.maxOutage the release may go on without it.", [new("action", Skip)],
                [s.TextArea("reason", "Reason", required: true, maxLength: RequestFields.MaxReasonLength)], danger: true);
        }
    }

    private static readonly FieldOption[] RollbackEnvironments =
        [new("integration", "Integration"), new("staging", "Staging"), new("production", "Production")];

    /// <summary>The element id of <paramref name="form"/>'s section on the page.</summary>
    public static string FormId(string form) => $"form-{form}";

    /// <summary>The names of the evidence forms' fields (those of <c>POST /api/releases/{id}/evidence</c>).</summary>
    public static class EvidenceField
    {
        public const string Kind = "kind";
        public const string Item = "item";
        public const string Passed = "passed";
        public const string Value = "value";
        public const string Approved = "approved";
        public const string Reason = "reason";
        public const string Url = "url";
        public const string Title = "title";
    }

    /// <summary>Builds one form whose fields carry what was sent, and the problems with it, when the page answers its refusal.</summary>
    private sealed class FormBuilder(string form, FormContext page, ActionOutcome? failed)
    {
        private bool Refused => failed?.Form == form;

        public ActionForm Form(
            string heading, string submit, string action, string? intro, IReadOnlyList<HiddenField> hidden, IReadOnlyList<FormField> fields, bool danger = false)
        {
            var list = fields.ToList();
            if (page.AsksWho)
            {
                list.Add(Field("by", "Your email (recorded as who acted)", "email", required: true, maxLength: 254, autocomplete: "email"));
            }

            var problems = Refused
                ? new[] { failed!.Summary ?? failed.Message }.Concat(failed.Errors.Where(e => list.All(f => f.Name != e.Key)).SelectMany(e => e.Value)).ToArray()
                : [];
            return new ActionForm(form, FormId(form), heading, intro, action, submit, [new(page.FormField, page.FormValue), .. hidden], list, problems, Refused, danger);
        }

        public FormField Select(string name, string label, IReadOnlyList<FieldOption> options, bool required = true) =>
            Field(name, label, "select", required, options: options);

        public FormField Text(string name, string label, bool required, string type = "text", int? maxLength = null, string? hint = null, string? initial = null) =>
            Field(name, label, type, required, maxLength: maxLength, hint: hint, initial: initial);

        public FormField TextArea(string name, string label, bool required, int maxLength) => Field(name, label, "textarea", required, maxLength: maxLength);

        public FormField Checkbox(string name, string label) => Field(name, label, "checkbox", required: true);

        private FormField Field(
            string name, string label, string type, bool required, IReadOnlyList<FieldOption>? options = null, int? maxLength = null, string? hint = null,
            string? initial = null, string? autocomplete = null)
        {
            var sent = Refused && failed!.Values.TryGetValue(name, out var v) ? v : null;
            var error = Refused && failed!.Errors.TryGetValue(name, out var e) ? string.Join(" ", e) : null;
            var value = sent ?? initial;
            var choices = options?.Select(o => o with { Selected = o.Value == value }).ToArray() ?? [];
            return new FormField($"{form}-{name}", name, label, type, required, value, choices, maxLength, hint, error, autocomplete);
        }
    }
}

/// <summary>
/// What the release page offers beyond the forms every release has: the outage its orchestration waits on (its custom
/// status), and whether the viewer may act as a release manager (with sign-in, a signed-in release manager of the release;
/// without, anyone, since the form asks who acts and the API's handler checks them).
/// </summary>
public sealed record ReleaseControls(OutageStatus? Outage, bool MayAct);

/// <summary>What every form of one release page carries: the anti-forgery value, and whether it asks who acts (no sign-in).</summary>
public sealed record FormContext(string FormField, string FormValue, bool AsksWho);

/// <summary>A banner at the top of the release page: what the last action came to (a refusal links to its form).</summary>
public sealed record PageNotice(bool IsProblem, string Heading, string Message, string? FormAnchor);

/// <summary>One form on the release page, as data: the component writes out any of them the same way.</summary>
public sealed record ActionForm(
    string Name,
    string Id,
    string Heading,
    string? Intro,
    string Action,
    string Submit,
    IReadOnlyList<HiddenField> Hidden,
    IReadOnlyList<FormField> Fields,
    IReadOnlyList<string> Problems,
    bool Open,
    bool Danger);

public sealed record HiddenField(string Name, string Value);

public sealed record FormField(
    string Id,
    string Name,
    string Label,
    string Type,
    bool Required,
    string? Value,
    IReadOnlyList<FieldOption> Options,
    int? MaxLength,
    string? Hint,
    string? Error,
    string? Autocomplete)
{
    /// <summary>The ids of the hint and the error, for <c>aria-describedby</c>.</summary>
    public string? DescribedBy => (Hint, Error) switch
    {
        (null, null) => null,
        (_, null) => $"{Id}-hint",
        (null, _) => $"{Id}-error",
        _ => $"{Id}-hint {Id}-error",
    };

    public string? MaxLengthText => MaxLength?.ToString(CultureInfo.InvariantCulture);
}

public sealed record FieldOption(string Value, string Label, bool Selected = false);
