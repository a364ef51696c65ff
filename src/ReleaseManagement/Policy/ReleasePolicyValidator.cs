using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy;

/// <summary>
/// The rules a policy must meet beyond its JSON shape (which the schema checks): references between its parts resolve,
/// durations make sense, tables are complete. Applies equally to a policy loaded from JSON and one built in code.
/// Returns every problem, each with the JSON path of the offending value.
/// </summary>
public static class ReleasePolicyValidator
{
    public static IReadOnlyList<PolicyError> Validate(ReleasePolicy policy)
    {
        var v = new Checker();
        v.Run(policy);
        return v.Errors;
    }

    private sealed class Checker
    {
        public List<PolicyError> Errors { get; } = [];

        private void Error(string path, string message) => Errors.Add(new PolicyError(path, message));

        private static string P(string parent, string name) => PolicyPath.Property(parent, name);

        private static string I(string parent, int index) => PolicyPath.Index(parent, index);

        public void Run(ReleasePolicy policy)
        {
            const string root = PolicyPath.Root;
            if (!PolicyTime.TryFindZone(policy.TimeZone, out _))
            {
                Error(P(root, "timeZone"), $"'{policy.TimeZone}' is not an IANA time zone (e.g. America/New_York).");
            }

            var gateItems = policy.QualityGates.Values.SelectMany(g => g.Items).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
            ReleaseTypes(policy, P(root, "releaseTypes"));
            Systems(policy, P(root, "systems"));
            RoleMap(policy.Approvers, P(root, "approvers"));
            Approvals(policy, P(root, "approvals"));
            Promotion(policy, gateItems, P(root, "promotion"));
            Windows(policy.ReleaseWindows, P(root, "releaseWindows"));
            Gates(policy, P(root, "qualityGates"));
            Categories(policy, P(root, "changeCategories"));
            Risk(policy.RiskMatrix, P(root, "riskMatrix"));
            Environments(policy, P(root, "environments"));
            Communications(policy.Communications, P(root, "communications"));
            Audiences(policy, P(root, "audiences"));
            Success(policy.SuccessCriteria, P(root, "successCriteria"));
            Metrics(policy.MetricTargets, P(root, "metricTargets"));
            Emergency(policy.EmergencyReview, P(root, "emergencyReview"));
            Resilience(policy.Resilience, P(root, "resilience"));
            if (policy.Audit.ReaderRoles.Count == 0)
            {
                Error(P(P(root, "audit"), "readerRoles"), "At least one role must be able to read the audit trail.");
            }

            Names(policy.Audit.ReaderRoles, P(P(root, "audit"), "readerRoles"));
            TestSuites(policy.TestSuiteEvidence, gateItems, P(root, "testSuiteEvidence"));
        }

        private void TestSuites(TestSuiteEvidence t, HashSet<string> gateItems, string path)
        {
            foreach (var (item, name) in new[] { (t.ResultItem, "resultItem"), (t.CoverageItem, "coverageItem") })
            {
                if (string.IsNullOrWhiteSpace(item) || !gateItems.Contains(item))
                {
                    Error(P(path, name), $"'{item}' is not a gate item of this policy: use one of {string.Join(", ", gateItems.Order(StringComparer.Ordinal))}.");
                }
            }
        }

        private void ReleaseTypes(ReleasePolicy policy, string path)
        {
            foreach (var type in Enum.GetValues<ReleaseType>())
            {
                if (!policy.ReleaseTypes.TryGetValue(type, out var t))
                {
                    Error(path, $"The {type} release type is missing.");
                    continue;
                }

                var at = P(path, type.ToString());
                var horizon = P(at, "planningHorizon");
                NonNegative(t.PlanningHorizon.MinLeadTime, P(horizon, "minLeadTime"));
                if (t.PlanningHorizon.MaxLeadTime < t.PlanningHorizon.MinLeadTime)
                {
                    Error(P(horizon, "maxLeadTime"), $"The maximum lead time ({t.PlanningHorizon.MaxLeadTime}) is shorter than the minimum ({t.PlanningHorizon.MinLeadTime}).");
                }

                StageExists(policy, t.ApprovalStage, P(at, "approvalStage"));
                Names(t.ApprovalRoles, P(at, "approvalRoles"));
            }
        }

        private void Systems(ReleasePolicy policy, string path)
        {
            if (policy.Systems.Count == 0)
            {
                Error(path, "At least one system is required.");
            }

            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, system) in policy.Systems)
            {
                var at = P(path, name);
                if (string.IsNullOrWhiteSpace(name))
                {
                    Error(at, "A system name must not be empty.");
                }
                else if (!seen.Add(name.Trim()))
                {
                    Error(at, $"'{name}' is named twice (names are matched case-insensitively).");
                }

                RoleMap(system.Approvers, P(at, "approvers"));
                AudienceMap(system.Audiences, P(at, "audiences"));
                if (system.Thresholds is { } thresholds)
                {
                    Thresholds(thresholds, P(at, "thresholds"));
                }
            }
        }

        private void RoleMap(IReadOnlyDictionary<string, IReadOnlyList<string>> map, string path)
        {
            foreach (var (role, people) in map)
            {
                var at = P(path, role);
                if (string.IsNullOrWhiteSpace(role))
                {
                    Error(at, "A role name must not be empty.");
                }

                for (var i = 0; i < people.Count; i++)
                {
                    if (people[i] is not { } person || !EmailAddresses.IsValid(person))
                    {
                        Error(I(at, i), $"'{people[i]}' is not an email address.");
                    }
                }
            }
        }

        private void Approvals(ReleasePolicy policy, string path)
        {
            foreach (var stage in ApprovalStageKeys.All)
            {
                if (!policy.Approvals.ContainsKey(stage))
                {
                    Error(path, $"The approval rule for stage '{stage}' is missing.");
                }
            }

            foreach (var (stage, rule) in policy.Approvals)
            {
                var at = P(path, stage);
                if (!ApprovalStageKeys.All.Contains(stage))
                {
                    Error(at, $"'{stage}' is not an approval stage: use {string.Join(", ", ApprovalStageKeys.All)}.");
                }

                if (rule.RequiredRoles.Count == 0)
                {
                    Error(P(at, "requiredRoles"), "At least one role is required.");
                }

                Names(rule.RequiredRoles, P(at, "requiredRoles"));
                Positive(rule.Timeout, P(at, "timeout"));
                NonNegative(rule.ReminderBefore, P(at, "reminderBefore"));
                if (rule.ReminderBefore >= rule.Timeout && rule.Timeout > TimeSpan.Zero)
                {
                    Error(P(at, "reminderBefore"), $"The reminder ({rule.ReminderBefore} before the timeout) must come after the stage opens: make it shorter than the timeout ({rule.Timeout}).");
                }

                Names(rule.EscalationContacts, P(at, "escalationContacts"));
                if (rule.OnTimeout == TimeoutOutcome.EscalateThenReject)
                {
                    if (rule.EscalationContacts.Count == 0)
                    {
                        Error(P(at, "escalationContacts"), "EscalateThenReject needs at least one escalation contact.");
                    }

                    Positive(rule.EscalationTimeout, P(at, "escalationTimeout"));
                }
                else
                {
                    NonNegative(rule.EscalationTimeout, P(at, "escalationTimeout"));
                }
            }
        }

        private void Promotion(ReleasePolicy policy, HashSet<string> gateItems, string path)
        {
            var milestones = policy.Promotion.Milestones.ToHashSet(StringComparer.Ordinal);
            Names(policy.Promotion.Milestones, P(path, "milestones"));
            Route(policy, policy.Promotion.Route, P(path, "route"), hotfix: false, gateItems, milestones);
            Route(policy, policy.Promotion.HotfixRoute, P(path, "hotfixRoute"), hotfix: true, gateItems, milestones);
        }

        private void Route(ReleasePolicy policy, IReadOnlyList<PromotionStep> route, string path, bool hotfix, HashSet<string> gateItems, HashSet<string> milestones)
        {
            if (route.Count == 0)
            {
                Error(path, "The route needs at least one step.");
                return;
            }

            if (route[0].From != DeploymentEnvironment.Development)
            {
                Error(P(I(path, 0), "from"), "The route must start from Development.");
            }

            if (route[^1].To != DeploymentEnvironment.Production)
            {
                Error(P(I(path, route.Count - 1), "to"), "The route must end in Production.");
            }

            for (var i = 0; i < route.Count; i++)
            {
                var step = route[i];
                var at = I(path, i);
                if (i > 0 && step.From != route[i - 1].To)
                {
                    Error(P(at, "from"), $"The step must start where the previous one ended ({route[i - 1].To}).");
                }

                var expectedTo = step.From + 1;
                if (step.To <= step.From || (!hotfix && step.To != expectedTo))
                {
                    Error(P(at, "to"), hotfix
                        ? $"A step must promote to a later environment than {step.From}."
                        : $"The standard route promotes one environment at a time: from {step.From} to {(step.From < DeploymentEnvironment.Production ? expectedTo : step.From)}.");
                }

                for (var j = 0; j < step.Trigger.Count; j++)
                {
                    if (!milestones.Contains(step.Trigger[j]) && !gateItems.Contains(step.Trigger[j]))
                    {
                        Error(I(P(at, "trigger"), j), $"'{step.Trigger[j]}' is neither a milestone nor a quality gate item.");
                    }
                }

                for (var j = 0; j < step.Validation.Count; j++)
                {
                    if (!gateItems.Contains(step.Validation[j]))
                    {
                        Error(I(P(at, "validation"), j), $"'{step.Validation[j]}' is not a quality gate item.");
                    }
                }

                for (var j = 0; j < step.Gates.Count; j++)
                {
                    if (!policy.QualityGates.ContainsKey(step.Gates[j]))
                    {
                        Error(I(P(at, "gates"), j), $"The policy has no {step.Gates[j]} gate.");
                    }
                }

                if (step.ApprovalStage is { } stage)
                {
                    StageExists(policy, stage, P(at, "approvalStage"));
                }

                if (step.Cadence.Count == 0)
                {
                    Error(P(at, "cadence"), "At least one cadence is required.");
                }
            }
        }

        private void Windows(ReleaseWindowPolicy windows, string path)
        {
            for (var i = 0; i < windows.Weekly.Count; i++)
            {
                var duration = windows.Weekly[i].Duration;
                if (duration <= TimeSpan.Zero || duration > TimeSpan.FromDays(7))
                {
                    Error(P(I(P(path, "weekly"), i), "duration"), $"A window lasts more than nothing and at most 7 days (it is {duration}).");
                }
            }

            for (var i = 0; i < windows.Blackouts.Count; i++)
            {
                var b = windows.Blackouts[i];
                var at = I(P(path, "blackouts"), i);
                if (b.To < b.From)
                {
                    Error(P(at, "to"), $"The blackout ends ({b.To:yyyy-MM-dd}) before it starts ({b.From:yyyy-MM-dd}).");
                }

                if (string.IsNullOrWhiteSpace(b.Reason))
                {
                    Error(P(at, "reason"), "A blackout needs a reason.");
                }
            }
        }

        private void Gates(ReleasePolicy policy, string path)
        {
            var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var kind in Enum.GetValues<GateKind>())
            {
                if (!policy.QualityGates.TryGetValue(kind, out var gate))
                {
                    Error(path, $"The {kind} gate is missing.");
                    continue;
                }

                var at = P(P(path, kind.ToString()), "items");
                if (gate.Items.Count == 0)
                {
                    Error(at, "A gate needs at least one item.");
                }

                Items(gate.Items, at, ids);
            }

            // The Planning gate and the items each risk level adds share the id space of the quality gates.
            var planning = P(P(P(PolicyPath.Root, "planning"), "gate"), "items");
            if (policy.Planning.Gate.Items.Count == 0)
            {
                Error(planning, "A gate needs at least one item.");
            }

            Items(policy.Planning.Gate.Items, planning, ids);
            foreach (var (level, mitigation) in policy.RiskMatrix.Mitigations.OrderBy(m => m.Key))
            {
                var levelPath = P(P(P(PolicyPath.Root, "riskMatrix"), "mitigations"), level.ToString());
                foreach (var (kind, items) in mitigation.RequiredItems.OrderBy(r => r.Key))
                {
                    Items(items, P(P(levelPath, "requiredItems"), kind.ToString()), ids);
                }
            }

            foreach (var (level, mitigation) in policy.RiskMatrix.Mitigations.OrderBy(m => m.Key))
            {
                var optional = P(P(P(P(PolicyPath.Root, "riskMatrix"), "mitigations"), level.ToString()), "optionalItems");
                for (var i = 0; i < mitigation.OptionalItems.Count; i++)
                {
                    if (!ids.Contains(mitigation.OptionalItems[i] ?? string.Empty))
                    {
                        Error(I(optional, i), $"'{mitigation.OptionalItems[i]}' is not a gate item of this policy.");
                    }
                }
            }
        }

        private void Items(IReadOnlyList<GateItem> items, string at, HashSet<string> ids)
        {
                for (var i = 0; i < items.Count; i++)
                {
                    var item = items[i];
                    var itemPath = I(at, i);
                    if (string.IsNullOrWhiteSpace(item.Id))
                    {
                        Error(P(itemPath, "id"), "An item needs an id.");
                    }
                    else if (!ids.Add(item.Id))
                    {
                        Error(P(itemPath, "id"), $"'{item.Id}' is used by another gate item: evidence names items by id, so ids must be unique across gates.");
                    }

                    if (item.SatisfiedBy == GateSatisfaction.Attestation)
                    {
                        if (item.AttestationRoles.Count == 0)
                        {
                            Error(P(itemPath, "attestationRoles"), "An item satisfied by attestation names the roles that may attest it.");
                        }

                        if (item.Threshold is not null)
                        {
                            Error(P(itemPath, "threshold"), "Only items satisfied by evidence have a threshold.");
                        }
                    }

                    Names(item.AttestationRoles, P(itemPath, "attestationRoles"));
                    if (item.Waivable && item.WaiverRoles.Count == 0)
                    {
                        Error(P(itemPath, "waiverRoles"), "A waivable item names the roles that may waive it.");
                    }

                    Names(item.WaiverRoles, P(itemPath, "waiverRoles"));
                    if (item.MaxAge is { } maxAge && maxAge <= TimeSpan.Zero)
                    {
                        Error(P(itemPath, "maxAge"), "Must be positive (or omitted: evidence of any age counts).");
                    }

                    if ((item.MaxAge is not null || item.Environment is not null) && item.SatisfiedBy != GateSatisfaction.Evidence)
                    {
                        Error(P(itemPath, item.MaxAge is not null ? "maxAge" : "environment"), "Only items satisfied by evidence have an environment or a maxAge.");
                    }
                }
        }

        private void Categories(ReleasePolicy policy, string path)
        {
            foreach (var category in Enum.GetValues<ChangeCategory>())
            {
                if (!policy.ChangeCategories.TryGetValue(category, out var c))
                {
                    Error(path, $"The {category} change category is missing.");
                    continue;
                }

                var at = P(path, category.ToString());
                for (var i = 0; i < c.ApprovalRoute.Count; i++)
                {
                    StageExists(policy, c.ApprovalRoute[i], I(P(at, "approvalRoute"), i));
                }

                if (c.AllowedReleaseTypes.Count == 0)
                {
                    Error(P(at, "allowedReleaseTypes"), "At least one release type is required.");
                }

                Names(c.ExtraApprovalRoles, P(at, "extraApprovalRoles"));
                if (c.OnRiskAboveMax == RiskAboveMaxRule.Reclassify && c.MaxRisk is not null)
                {
                    if (c.ReclassifyAs is not { } target || target == category)
                    {
                        Error(P(at, "reclassifyAs"), "onRiskAboveMax Reclassify names the category the request moves to (another category).");
                    }
                    else if (policy.ChangeCategories.TryGetValue(target, out var t) && t.MaxRisk is { } max && max < c.MaxRisk)
                    {
                        Error(P(at, "reclassifyAs"), $"The {target} category accepts less risk ({max}) than {category} ({c.MaxRisk}): a reclassified request would not fit it.");
                    }
                }
            }
        }

        private void Risk(RiskMatrix matrix, string path)
        {
            var cells = P(path, "cells");
            var seen = new HashSet<(RiskRating, RiskRating)>();
            for (var i = 0; i < matrix.Cells.Count; i++)
            {
                var c = matrix.Cells[i];
                if (!seen.Add((c.Impact, c.Probability)))
                {
                    Error(I(cells, i), $"Impact {c.Impact} and probability {c.Probability} appear twice.");
                }
            }

            foreach (var impact in Enum.GetValues<RiskRating>())
            {
                foreach (var probability in Enum.GetValues<RiskRating>())
                {
                    if (!seen.Contains((impact, probability)))
                    {
                        Error(cells, $"The cell for impact {impact} and probability {probability} is missing: the matrix needs all nine.");
                    }
                }
            }

            foreach (var level in Enum.GetValues<RiskRating>())
            {
                if (!matrix.Mitigations.TryGetValue(level, out var mitigation))
                {
                    Error(P(path, "mitigations"), $"The mitigation for level {level} is missing.");
                }
                else
                {
                    Names(mitigation.ExtraApprovalRoles, P(P(P(path, "mitigations"), level.ToString()), "extraApprovalRoles"));
                }
            }
        }

        private void Environments(ReleasePolicy policy, string path)
        {
            foreach (var environment in Enum.GetValues<DeploymentEnvironment>())
            {
                if (!policy.Environments.ContainsKey(environment))
                {
                    Error(path, $"The {environment} environment standard is missing.");
                }
            }
        }

        private void Communications(IReadOnlyList<CommunicationEvent> events, string path)
        {
            var ids = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                var at = I(path, i);
                if (string.IsNullOrWhiteSpace(e.Id))
                {
                    Error(P(at, "id"), "A communication needs an id.");
                }
                else if (!ids.Add(e.Id))
                {
                    Error(P(at, "id"), $"'{e.Id}' appears twice.");
                }

                if (string.IsNullOrWhiteSpace(e.Template))
                {
                    Error(P(at, "template"), "A communication names its template.");
                }

                if (e.Audiences.Count == 0)
                {
                    Error(P(at, "audiences"), "A communication needs at least one audience.");
                }

                foreach (var a in e.Attach.Where(a => !CommunicationAttachments.All.Contains(a)))
                {
                    Error(P(at, "attach"), $"'{a}' is not an attachment: use {string.Join(" or ", CommunicationAttachments.All)}.");
                }
            }
        }

        /// <summary>
        /// Audience entries are well formed, and every audience a communication names can reach someone: it has an address,
        /// a webhook channel, or a role someone holds in the policy (policy-wide or a system) or that release requests must
        /// name people for (a role an approval rule requires).
        /// </summary>
        private void Audiences(ReleasePolicy policy, string path)
        {
            AudienceMap(policy.Audiences, path);
            var fillable = policy.Approvers.Where(kv => kv.Value.Count > 0).Select(kv => kv.Key)
                .Concat(policy.Systems.Values.SelectMany(s => s.Approvers.Where(kv => kv.Value.Count > 0).Select(kv => kv.Key)))
                .Concat(policy.Approvals.Values.SelectMany(r => r.RequiredRoles))
                .Concat(policy.ReleaseTypes.Values.SelectMany(t => t.ApprovalRoles))
                .Concat(policy.RiskMatrix.Mitigations.Values.SelectMany(m => m.ExtraApprovalRoles))
                .ToHashSet(StringComparer.Ordinal);
            var systems = policy.Systems.Keys.ToArray();
            var uses = policy.Communications.SelectMany((c, i) => c.Audiences.Select((a, j) =>
                    (Name: a, Id: c.Id, Path: I(P(I(P(PolicyPath.Root, "communications"), i), "audiences"), j))))
                .Concat(policy.OutcomeAudiences.Select((a, j) => (Name: a, Id: "outcome", Path: I(P(PolicyPath.Root, "outcomeAudiences"), j))));
            if (policy.OutcomeAudiences.Count == 0)
            {
                Error(P(PolicyPath.Root, "outcomeAudiences"), "Name at least one audience to hear the release's outcome.");
            }

            foreach (var (name, id, at) in uses)
            {
                {
                    if (string.IsNullOrWhiteSpace(name))
                    {
                        continue;
                    }

                    var entries = AudienceResolver.Entries(policy, systems, null, name);
                    if (!entries.Any(e => e.Kind is ContactKind.Address or ContactKind.Webhook || (e.Kind == ContactKind.Role && fillable.Contains(e.Value))))
                    {
                        var defined = AudienceResolver.IsAudience(policy, null, name);
                        Error(at,
                            $"Audience '{name}' of communication '{id}' can never resolve to anyone: " + (defined
                                ? "it names no address, no webhook, and no role that anyone holds or that releases must name people for."
                                : "no audience of that name is defined in audiences (or a system's audiences), and no role of that name is held or required."));
                    }
                }
            }
        }

        private void AudienceMap(IReadOnlyDictionary<string, IReadOnlyList<string>> map, string path)
        {
            foreach (var (name, entries) in map)
            {
                var at = P(path, name);
                if (string.IsNullOrWhiteSpace(name) || name.Contains(':', StringComparison.Ordinal) || name.Contains('@', StringComparison.Ordinal))
                {
                    Error(at, $"'{name}' is not an audience name (a name, without ':' or '@').");
                }

                for (var i = 0; i < entries.Count; i++)
                {
                    var entry = ContactEntry.Parse(entries[i] ?? string.Empty);
                    var problem = entry.Kind switch
                    {
                        ContactKind.Name => $"'{entries[i]}' is neither an email address nor role:NAME nor webhook:NAME.",
                        ContactKind.Webhook when !ChannelNames.IsValid(entry.Value) => $"'{entries[i]}': a webhook name is lower-case letters, digits and dashes.",
                        ContactKind.Role when entry.Value.Length == 0 => $"'{entries[i]}' names no role.",
                        _ => null,
                    };
                    if (problem is not null)
                    {
                        Error(I(at, i), problem);
                    }
                }
            }
        }

        private void Success(SuccessCriteria s, string path)
        {
            if (s.MaxCriticalIssues < 0)
            {
                Error(P(path, "maxCriticalIssues"), "Must not be negative.");
            }

            Thresholds(s.DefaultThresholds, P(path, "defaultThresholds"));
            Positive(s.WatchDuration, P(path, "watchDuration"));
            Positive(s.CheckInterval, P(path, "checkInterval"));
            if (s.CheckInterval > s.WatchDuration && s.WatchDuration > TimeSpan.Zero)
            {
                Error(P(path, "checkInterval"), $"The check interval ({s.CheckInterval}) is longer than the watch ({s.WatchDuration}): the watch would never check.");
            }

            if (s.ValidationDelay < TimeSpan.Zero)
            {
                Error(P(path, "validationDelay"), "Must not be negative (zero validates at once).");
            }
            else if (s.ValidationDelay >= s.WatchDuration && s.WatchDuration > TimeSpan.Zero)
            {
                Error(P(path, "validationDelay"), $"The validation delay ({s.ValidationDelay}) must be shorter than the watch ({s.WatchDuration}): the watch starts after the validation.");
            }

            if (!Enum.IsDefined(s.OnMissingHealthData))
            {
                Error(P(path, "onMissingHealthData"), $"Use one of {string.Join(", ", Enum.GetNames<MissingHealthDataRule>())}.");
            }

            if (string.IsNullOrWhiteSpace(s.SignOffItem))
            {
                Error(P(path, "signOffItem"), "Must not be empty: an attestation of this item signs off a step that ended without health data.");
            }

            if (s.SignOffRoles.Count == 0)
            {
                Error(P(path, "signOffRoles"), "At least one role must be able to sign off a step that ended without health data.");
            }

            Names(s.SignOffRoles, P(path, "signOffRoles"));
            Positive(s.SignOffReminderAfter, P(path, "signOffReminderAfter"));
            Positive(s.SignOffEscalationAfter, P(path, "signOffEscalationAfter"));
            if (s.SignOffReminderAfter >= s.SignOffEscalationAfter && s.SignOffEscalationAfter > TimeSpan.Zero)
            {
                Error(P(path, "signOffReminderAfter"), $"The reminder ({s.SignOffReminderAfter}) must come before the escalation ({s.SignOffEscalationAfter}).");
            }

            Names(s.SignOffEscalationContacts, P(path, "signOffEscalationContacts"));
        }

        private void Thresholds(PerformanceThresholds t, string path)
        {
            Percent(t.MaxErrorRatePercent, P(path, "maxErrorRatePercent"));
            if (t.MinAvailabilityPercent is { } availability)
            {
                Percent(availability, P(path, "minAvailabilityPercent"));
            }

            if (t.MaxExceptionIncreasePercent is < 0)
            {
                Error(P(path, "maxExceptionIncreasePercent"), "Must not be negative.");
            }

            if (t.MaxP95LatencyMilliseconds <= 0)
            {
                Error(P(path, "maxP95LatencyMilliseconds"), "Must be positive.");
            }
        }

        private void Metrics(MetricTargets m, string path)
        {
            Percent(m.MaxDefectEscapeRatePercent, P(path, "maxDefectEscapeRatePercent"));
            Percent(m.MinTestCoveragePercent, P(path, "minTestCoveragePercent"));
            Percent(m.MinDeploymentSuccessRatePercent, P(path, "minDeploymentSuccessRatePercent"));
            if (m.MaxRollbacksPerReleaseCycle < 0)
            {
                Error(P(path, "maxRollbacksPerReleaseCycle"), "Must not be negative.");
            }

            Positive(m.MaxDeploymentTime, P(path, "maxDeploymentTime"));
            Positive(m.MaxRecoveryTime, P(path, "maxRecoveryTime"));
            Positive(m.MaxChangeLeadTime, P(path, "maxChangeLeadTime"));
            if (m.MinReleasesPerQuarter < 0)
            {
                Error(P(path, "minReleasesPerQuarter"), "Must not be negative.");
            }
        }

        private void Emergency(EmergencyReviewPolicy e, string path)
        {
            Positive(e.DueAfter, P(path, "dueAfter"));
            NonNegative(e.ReminderBefore, P(path, "reminderBefore"));
            if (e.ReminderBefore >= e.DueAfter && e.DueAfter > TimeSpan.Zero)
            {
                Error(P(path, "reminderBefore"), $"The reminder ({e.ReminderBefore} before) must be shorter than the time until the review is due ({e.DueAfter}).");
            }

            if (e.EscalationContacts.Count == 0)
            {
                Error(P(path, "escalationContacts"), "At least one escalation contact is required.");
            }

            if (e.ReviewerRoles.Count == 0)
            {
                Error(P(path, "reviewerRoles"), "At least one reviewer role is required.");
            }

            if (string.IsNullOrWhiteSpace(e.EvidenceItem))
            {
                Error(P(path, "evidenceItem"), "Must not be empty: evidence for this item records the review.");
            }
        }

        private void StageExists(ReleasePolicy policy, string stage, string path)
        {
            if (!policy.Approvals.ContainsKey(stage))
            {
                Error(path, $"'{stage}' is not an approval stage of this policy: use one of {string.Join(", ", policy.Approvals.Keys)}.");
            }
        }

        private void Names(IReadOnlyList<string> names, string path)
        {
            for (var i = 0; i < names.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(names[i]))
                {
                    Error(I(path, i), "Must not be empty.");
                }
            }
        }

        private void Resilience(ResiliencePolicy r, string path)
        {
            Positive(r.MaxOutage, P(path, "maxOutage"));
            var backoff = P(path, "backoff");
            Positive(r.Backoff.Initial, P(backoff, "initial"));
            Positive(r.Backoff.Max, P(backoff, "max"));
            if (r.Backoff.Max < r.Backoff.Initial)
            {
                Error(P(backoff, "max"), $"The longest wait ({r.Backoff.Max}) is shorter than the first ({r.Backoff.Initial}).");
            }

            if (!(r.Backoff.Coefficient >= 1 && r.Backoff.Coefficient <= 10))
            {
                Error(P(backoff, "coefficient"), $"Must be between 1 and 10 (it is {r.Backoff.Coefficient}).");
            }
        }

        private void Positive(TimeSpan value, string path)
        {
            if (value <= TimeSpan.Zero)
            {
                Error(path, $"Must be a positive duration (it is {value}).");
            }
        }

        private void NonNegative(TimeSpan value, string path)
        {
            if (value < TimeSpan.Zero)
            {
                Error(path, $"Must not be negative (it is {value}).");
            }
        }

        private void Percent(decimal value, string path)
        {
            if (value is < 0 or > 100)
            {
                Error(path, $"A percentage is between 0 and 100 (it is {value}).");
            }
        }
    }
}
