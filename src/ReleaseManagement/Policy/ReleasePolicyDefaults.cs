using ReleaseManagement.Releases;
using static ReleaseManagement.Policy.PolicyRoles;

namespace ReleaseManagement.Policy;

/// <summary>
/// The built-in policy: the values of the release management procedure. Where the procedure gives no number
/// (approval timeouts, window times, metric targets) the value chosen here is documented in docs/policy.md.
/// Nobody is named as an approver: people are configured per deployment (policy-wide, per system, or per release).
/// </summary>
public static class ReleasePolicyDefaults
{
    public const string TimeZone = "America/New_York";

    /// <summary>
    /// The example people of config/release-policy.example.json: one per role (example.com addresses, which deliver nowhere),
    /// so a newcomer's first request names no approvers. The built-in policy names nobody: a deployment names its own people.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ExamplePeople { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [PolicyRoles.ProductOwner] = ["po@example.com"],
        [PolicyRoles.TechnicalLead] = ["lead@example.com"],
        [PolicyRoles.QaLead] = ["qa@example.com"],
        [PolicyRoles.ReleaseManager] = ["rm@example.com"],
        [PolicyRoles.Stakeholder] = ["sh@example.com"],
        [PolicyRoles.Executive] = ["ex@example.com"],
        [PolicyRoles.Auditor] = ["auditor@example.com"],
    };

    /// <summary>config/release-policy.example.json: the built-in policy with <see cref="ExamplePeople"/> as its directory.</summary>
    public static ReleasePolicy Example() => Create() with { Approvers = ExamplePeople };

    /// <summary>A fresh copy of the built-in policy.</summary>
    public static ReleasePolicy Create() => new()
    {
        TimeZone = TimeZone,
        ReleaseTypes = new Dictionary<ReleaseType, ReleaseTypePolicy>
        {
            [ReleaseType.Major] = new()
            {
                Frequency = "Quarterly",
                Content = "New features, significant enhancements, major bug fixes",
                PlanningHorizon = new() { MinLeadTime = TimeSpan.FromDays(90), MaxLeadTime = TimeSpan.FromDays(184) },
                ApprovalLevel = "Executive and stakeholder approval required",
                ApprovalStage = ApprovalStageKeys.Plan,
                ApprovalRoles = [Executive, Stakeholder],
                UsesReleaseWindows = true,
                PromotionRoute = PromotionRouteKind.Standard,
                FrequencyRule = FrequencyRule.Warn,
                RequiredDocuments = ReleaseDocuments.DefaultRequired(ReleaseType.Major),
            },
            [ReleaseType.Minor] = new()
            {
                Frequency = "Monthly",
                Content = "Feature enhancements, moderate bug fixes, configuration updates",
                PlanningHorizon = new() { MinLeadTime = TimeSpan.FromDays(30), MaxLeadTime = TimeSpan.FromDays(62) },
                ApprovalLevel = "Product owner and technical lead approval",
                ApprovalStage = ApprovalStageKeys.Plan,
                ApprovalRoles = [ProductOwner, TechnicalLead],
                UsesReleaseWindows = true,
                PromotionRoute = PromotionRouteKind.Standard,
                FrequencyRule = FrequencyRule.Warn,
                RequiredDocuments = ReleaseDocuments.DefaultRequired(ReleaseType.Minor),
            },
            [ReleaseType.Patch] = new()
            {
                Frequency = "Bi-weekly or as needed",
                Content = "Critical bug fixes, security patches, minor updates",
                PlanningHorizon = new() { MinLeadTime = TimeSpan.FromDays(7), MaxLeadTime = TimeSpan.FromDays(14) },
                ApprovalLevel = "Technical lead approval",
                ApprovalStage = ApprovalStageKeys.Plan,
                ApprovalRoles = [TechnicalLead],
                UsesReleaseWindows = true,
                PromotionRoute = PromotionRouteKind.Standard,
                FrequencyRule = FrequencyRule.Warn,
                RequiredDocuments = ReleaseDocuments.DefaultRequired(ReleaseType.Patch),
            },
            [ReleaseType.Hotfix] = new()
            {
                Frequency = "Emergency basis",
                Content = "Critical production issues, security vulnerabilities",
                PlanningHorizon = new() { MinLeadTime = TimeSpan.Zero, MaxLeadTime = TimeSpan.FromDays(1) },
                ApprovalLevel = "Emergency change approval process",
                ApprovalStage = ApprovalStageKeys.Emergency,
                ApprovalRoles = [],
                UsesReleaseWindows = false,
                PromotionRoute = PromotionRouteKind.Hotfix,
                FrequencyRule = FrequencyRule.Warn,
                RequiredDocuments = ReleaseDocuments.DefaultRequired(ReleaseType.Hotfix),
            },
        },
        Systems = new Dictionary<string, SystemPolicy>
        {
            ["Billing"] = NewSystem("Billing and invoicing"),
            ["Forecasting"] = NewSystem("Forecasting"),
            ["Integration"] = NewSystem("Integrations with external systems"),
            ["Customer Sites"] = NewSystem("Customer site applications"),
        },
        Approvers = new Dictionary<string, IReadOnlyList<string>>(),
        Approvals = new Dictionary<string, ApprovalRule>
        {
            [ApprovalStageKeys.Plan] = new()
            {
                RequiredRoles = [TechnicalLead],
                Quorum = Quorum.All,
                Timeout = TimeSpan.FromDays(3),
                ReminderBefore = TimeSpan.FromDays(1),
                EscalationContacts = [ReleaseManager],
                OnTimeout = TimeoutOutcome.Reject,
                EscalationTimeout = TimeSpan.FromDays(1),
            },
            [ApprovalStageKeys.PromotionIntegration] = new()
            {
                RequiredRoles = [TechnicalLead],
                Quorum = Quorum.All,
                Timeout = TimeSpan.FromDays(1),
                ReminderBefore = TimeSpan.FromHours(4),
                EscalationContacts = [ReleaseManager],
                OnTimeout = TimeoutOutcome.Reject,
                EscalationTimeout = TimeSpan.FromHours(8),
            },
            [ApprovalStageKeys.PromotionStaging] = new()
            {
                RequiredRoles = [QaLead, ProductOwner],
                Quorum = Quorum.All,
                Timeout = TimeSpan.FromDays(3),
                ReminderBefore = TimeSpan.FromDays(1),
                EscalationContacts = [ReleaseManager],
                OnTimeout = TimeoutOutcome.Reject,
                EscalationTimeout = TimeSpan.FromDays(1),
            },
            [ApprovalStageKeys.PromotionProduction] = new()
            {
                RequiredRoles = [ReleaseManager, Stakeholder],
                Quorum = Quorum.All,
                Timeout = TimeSpan.FromDays(2),
                ReminderBefore = TimeSpan.FromHours(12),
                EscalationContacts = [ReleaseManager, Executive],
                OnTimeout = TimeoutOutcome.EscalateThenReject,
                EscalationTimeout = TimeSpan.FromHours(12),
            },
            [ApprovalStageKeys.Emergency] = new()
            {
                RequiredRoles = [ReleaseManager, TechnicalLead],
                Quorum = Quorum.All,
                Timeout = TimeSpan.FromHours(4),
                ReminderBefore = TimeSpan.FromHours(1),
                EscalationContacts = [Executive],
                OnTimeout = TimeoutOutcome.EscalateThenReject,
                EscalationTimeout = TimeSpan.FromHours(2),
            },
        },
        Promotion = new()
        {
            Milestones = ["feature-complete", "code-freeze", "testing-ready", "release-candidate"],
            Route =
            [
                new()
                {
                    From = DeploymentEnvironment.Development,
                    To = DeploymentEnvironment.Integration,
                    Trigger = ["feature-complete", "unit-tests"],
                    Gates = [GateKind.Development],
                    Validation = [EnvironmentConfigurationGate.ItemId],
                    ApprovalStage = ApprovalStageKeys.PromotionIntegration,
                    Cadence = [PromotionCadence.Daily, PromotionCadence.OnDemand],
                },
                new()
                {
                    From = DeploymentEnvironment.Integration,
                    To = DeploymentEnvironment.Staging,
                    Trigger = ["integration-tests"],
                    Gates = [],
                    Validation = ["integration-tests", "security-testing", EnvironmentConfigurationGate.ItemId],
                    ApprovalStage = ApprovalStageKeys.PromotionStaging,
                    Cadence = [PromotionCadence.Weekly, PromotionCadence.Milestone],
                },
                new()
                {
                    From = DeploymentEnvironment.Staging,
                    To = DeploymentEnvironment.Production,
                    Trigger = ["user-acceptance"],
                    Gates = [GateKind.Testing, GateKind.Deployment],
                    Validation = [],
                    ApprovalStage = ApprovalStageKeys.PromotionProduction,
                    Cadence = [PromotionCadence.ReleaseWindow],
                },
            ],
            HotfixRoute =
            [
                new()
                {
                    From = DeploymentEnvironment.Development,
                    To = DeploymentEnvironment.Staging,
                    Trigger = ["unit-tests"],
                    Gates = [],
                    Validation = ["unit-tests", "security-scan", EnvironmentConfigurationGate.ItemId],
                    ApprovalStage = null,
                    Cadence = [PromotionCadence.OnDemand],
                },
                new()
                {
                    From = DeploymentEnvironment.Staging,
                    To = DeploymentEnvironment.Production,
                    Trigger = ["regression-tests"],
                    Gates = [],
                    Validation = ["regression-tests", "environment-health", "backup", "monitoring-active", EnvironmentConfigurationGate.ItemId],
                    ApprovalStage = null,
                    Cadence = [PromotionCadence.OnDemand],
                },
            ],
        },
        ReleaseWindows = new()
        {
            Weekly =
            [
                new() { Day = DayOfWeek.Tuesday, Start = new TimeOnly(20, 0), Duration = TimeSpan.FromHours(4) },
                new() { Day = DayOfWeek.Thursday, Start = new TimeOnly(20, 0), Duration = TimeSpan.FromHours(4) },
            ],
            Blackouts = [],
            Conflicts = ConflictRule.Warn,
        },
        QualityGates = new Dictionary<GateKind, QualityGate>
        {
            [GateKind.Development] = new()
            {
                Items =
                [
                    Attested("code-review", "Code review completed and approved", TechnicalLead),
                    Evidenced("unit-tests", "Unit tests pass"),
                    Evidenced("test-coverage", "Unit test coverage meets the requirement", ThresholdComparison.AtLeast, 80, "%"),
                    Evidenced("static-analysis", "Static code analysis passes"),
                    Evidenced("security-scan", "Security scan completed: no high or critical vulnerabilities", ThresholdComparison.AtMost, 0, "high or critical vulnerabilities") with { Waivable = false },
                    Attested("documentation", "Documentation updated", TechnicalLead),
                ],
            },
            [GateKind.Testing] = new()
            {
                Items =
                [
                    Evidenced("integration-tests", "Integration tests pass"),
                    Evidenced("performance-benchmarks", "Performance benchmarks met"),
                    Evidenced("security-testing", "Security testing completed: no high or critical vulnerabilities", ThresholdComparison.AtMost, 0, "high or critical vulnerabilities") with { Waivable = false },
                    Attested("user-acceptance", "User acceptance testing approved", ProductOwner),
                    Evidenced("regression-tests", "All regression tests passed"),
                ],
            },
            [GateKind.Deployment] = new()
            {
                Items =
                [
                    Evidenced("environment-health", "Environment health verified") with { Environment = DeploymentEnvironment.Production, MaxAge = TimeSpan.FromHours(1) },
                    Evidenced("backup", "Backup completed successfully") with { Environment = DeploymentEnvironment.Production, MaxAge = TimeSpan.FromHours(24) },
                    Attested("rollback-plan", "Rollback plan tested", ReleaseManager),
                    Evidenced("monitoring-active", "Monitoring systems active") with { Environment = DeploymentEnvironment.Production, MaxAge = TimeSpan.FromHours(1) },
                    Attested("communication-plan", "Communication plan executed", ReleaseManager),
                    Evidenced(EnvironmentConfigurationGate.ItemId, "Environment configuration meets the environment standard"),
                ],
            },
        },
        ChangeCategories = new Dictionary<ChangeCategory, ChangeCategoryPolicy>
        {
            [ChangeCategory.Standard] = new()
            {
                Description = "Pre-approved, low-risk changes",
                ApprovalRoute = [ApprovalStageKeys.PromotionIntegration, ApprovalStageKeys.PromotionStaging, ApprovalStageKeys.PromotionProduction],
                AllowedReleaseTypes = [ReleaseType.Minor, ReleaseType.Patch],
                MaxRisk = RiskRating.Low,
                OnRiskAboveMax = RiskAboveMaxRule.Reclassify,
                ReclassifyAs = ChangeCategory.Normal,
            },
            [ChangeCategory.Normal] = new()
            {
                Description = "Regular changes requiring approval",
                ApprovalRoute = [ApprovalStageKeys.Plan, ApprovalStageKeys.PromotionIntegration, ApprovalStageKeys.PromotionStaging, ApprovalStageKeys.PromotionProduction],
                AllowedReleaseTypes = [ReleaseType.Minor, ReleaseType.Patch],
            },
            [ChangeCategory.Emergency] = new()
            {
                Description = "Critical changes requiring the expedited process",
                ApprovalRoute = [ApprovalStageKeys.Emergency],
                AllowedReleaseTypes = [ReleaseType.Hotfix],
            },
            [ChangeCategory.Major] = new()
            {
                Description = "Significant changes requiring extensive review",
                ApprovalRoute = [ApprovalStageKeys.Plan, ApprovalStageKeys.PromotionIntegration, ApprovalStageKeys.PromotionStaging, ApprovalStageKeys.PromotionProduction],
                AllowedReleaseTypes = [ReleaseType.Major],
                ExtraApprovalRoles = [Executive],
            },
        },
        RiskMatrix = new()
        {
            Cells =
            [
                Cell(RiskRating.Low, RiskRating.Low, RiskRating.Low),
                Cell(RiskRating.Low, RiskRating.Medium, RiskRating.Low),
                Cell(RiskRating.Low, RiskRating.High, RiskRating.Medium),
                Cell(RiskRating.Medium, RiskRating.Low, RiskRating.Low),
                Cell(RiskRating.Medium, RiskRating.Medium, RiskRating.Medium),
                Cell(RiskRating.Medium, RiskRating.High, RiskRating.High),
                Cell(RiskRating.High, RiskRating.Low, RiskRating.Medium),
                Cell(RiskRating.High, RiskRating.Medium, RiskRating.High),
                Cell(RiskRating.High, RiskRating.High, RiskRating.High),
            ],
            Mitigations = new Dictionary<RiskRating, RiskMitigation>
            {
                [RiskRating.High] = new()
                {
                    Strategy = "Extensive testing, phased rollout",
                    TestingDepth = TestingDepth.Extensive,
                    PhasedRolloutRequired = true,
                    ExtraApprovalRoles = [ReleaseManager],
                    WaiverQuorum = 2,
                    RequiredItems = new Dictionary<GateKind, IReadOnlyList<GateItem>>
                    {
                        [GateKind.Testing] =
                        [
                            Evidenced("load-testing", "Load and stress testing passed"),
                            Evidenced("penetration-testing", "Vulnerability and penetration testing completed: no high or critical findings", ThresholdComparison.AtMost, 0, "high or critical findings") with { Waivable = false },
                        ],
                    },
                },
                [RiskRating.Medium] = new()
                {
                    Strategy = "Standard testing, monitoring",
                    TestingDepth = TestingDepth.Standard,
                    PhasedRolloutRequired = false,
                    ExtraApprovalRoles = [],
                },
                [RiskRating.Low] = new()
                {
                    Strategy = "Basic testing, standard deployment",
                    TestingDepth = TestingDepth.Basic,
                    PhasedRolloutRequired = false,
                    ExtraApprovalRoles = [],
                    OptionalItems = ["performance-benchmarks"],
                },
            },
        },
        Environments = new Dictionary<DeploymentEnvironment, EnvironmentStandard>
        {
            [DeploymentEnvironment.Development] = Environment(
                "Initial development and unit testing", "Synthetic test data", "Development team", "dev-db-server", "https://dev-api.townepark.com"),
            [DeploymentEnvironment.Integration] = Environment(
                "Integration and system testing", "Sanitized production-like data", "Development and QA teams", "int-db-server", "https://int-api.townepark.com"),
            [DeploymentEnvironment.Staging] = Environment(
                "User acceptance and pre-production testing", "Production-like data (sanitized)", "All stakeholders", "stage-db-server", "https://stage-api.townepark.com"),
            [DeploymentEnvironment.Production] = Environment(
                "Live production environment", "Live production data", "Authorized personnel only", "prod-db-server", "https://api.townepark.com"),
        },
        Communications =
        [
            Communication("planning-announcement", "Release planning announcement", -30, "release-planning-announcement", "stakeholders", "development-team") with { Attach = [CommunicationAttachments.Invite] },
            Communication("feature-freeze", "Feature freeze notification", -14, "feature-freeze-notification", "development-team", "qa-team", "stakeholders"),
            Communication("testing-start", "Testing phase initiation", -7, "testing-phase-initiation", "qa-team", "stakeholders"),
            Communication("deployment-readiness", "Deployment readiness confirmation", -3, "deployment-readiness-confirmation", "stakeholders", "operations") with
            {
                Confirm = new()
                {
                    Item = "deployment-readiness", Description = "Deployment readiness",
                    Roles = [ReleaseManager], WarnAt = "final-notice",
                },
            },
            Communication("final-notice", "Final deployment notification", -1, "final-deployment-notification", "stakeholders", "users", "operations") with { Attach = [CommunicationAttachments.Invite, CommunicationAttachments.ReleaseNotes] },
            Communication("post-deployment-report", "Post-deployment status report", 1, "post-deployment-status-report", "stakeholders", "development-team") with { Attach = [CommunicationAttachments.ReleaseNotes], AskFeedback = true },
        ],
        SuccessCriteria = new()
        {
            MaxCriticalIssues = 0,
            DefaultThresholds = new() { MaxErrorRatePercent = 1.0m, MaxP95LatencyMilliseconds = 1000, MinAvailabilityPercent = 99.0m, MaxExceptionIncreasePercent = 100m },
            WatchDuration = TimeSpan.FromHours(24),
            CheckInterval = TimeSpan.FromMinutes(15),
            ValidationDelay = SuccessCriteria.DefaultValidationDelay,
            OnMissingHealthData = MissingHealthDataRule.RequireSignOff,
            SignOffItem = SuccessCriteria.DefaultSignOffItem,
            SignOffRoles = [ReleaseManager],
            SignOffReminderAfter = TimeSpan.FromHours(4),
            SignOffEscalationAfter = TimeSpan.FromHours(24),
            SignOffEscalationContacts = [PolicyRoles.Executive],
        },
        MetricTargets = new()
        {
            MaxDefectEscapeRatePercent = 5m,
            MinTestCoveragePercent = 80m,
            MinDeploymentSuccessRatePercent = 95m,
            MaxRollbacksPerReleaseCycle = 1m,
            MaxDeploymentTime = TimeSpan.FromDays(2),
            MaxRecoveryTime = TimeSpan.FromHours(1),
            MaxChangeLeadTime = TimeSpan.FromDays(30),
            MinReleasesPerQuarter = 3,
        },
        EmergencyReview = new()
        {
            DueAfter = TimeSpan.FromDays(5),
            ReminderBefore = TimeSpan.FromDays(1),
            EscalationContacts = [ReleaseManager, Executive],
            ReviewerRoles = [ReleaseManager, TechnicalLead],
            EvidenceItem = EmergencyReviewPolicy.DefaultEvidenceItem,
        },
        TestSuiteEvidence = new() { ResultItem = "unit-tests", CoverageItem = "test-coverage" },
        Deployment = new()
        {
            RollbackOnFailedProductionDeployment = true,
            // Not the procedure's (it gives none): this project's choice, docs/deployment-strategies.md.
            Analysis = new()
            {
                Alpha = 0.05,
                MinSamples = 50,
                MaxDurationIncreasePercent = 10,
                MaxFailureRateIncreasePoints = 1,
                MaxExceptionRateIncreasePoints = 1,
            },
        },
        ReportRecipients = [Stakeholder, ReleaseManager],
        Audit = new() { ReaderRoles = [ReleaseManager, PolicyRoles.Auditor] },
        Access = new() { RequestMayNameApprovers = false, Permissions = ReleasePermissions.Defaults },
        Planning = new() { Blocking = false, Gate = new() { Items = PlanningPolicy.DefaultItems() } },
        Documents = ReleaseDocuments.Defaults,
        Audiences = Audiences,
        OutcomeAudiences = ["stakeholders"],
    };

    /// <summary>
    /// The communication plan's "regular release planning and review meetings": a planning meeting two days before the
    /// T-30 announcement for major and minor releases (patches and hotfixes are planned without one), and a review for
    /// every release on the second day after T, once the 24-hour watch is over.
    /// </summary>
    public static IReadOnlyList<ReleaseMeeting> Meetings { get; } =
    [
        new()
        {
            Id = "release-planning", Description = "Release planning meeting", Offset = TimeSpan.FromDays(-32),
            Audiences = ["stakeholders", "development-team", "qa-team", "operations"], ReleaseTypes = [ReleaseType.Major, ReleaseType.Minor],
        },
        new()
        {
            Id = "release-review", Description = "Release review meeting", Offset = TimeSpan.FromDays(2), Start = new TimeOnly(14, 0),
            Audiences = ["stakeholders", "development-team", "operations"],
        },
    ];

    /// <summary>
    /// The communication plan's audiences as the procedure's roles (a deployment adds its distribution lists and chat
    /// channels): stakeholders, the development team (technical leads and product owners), the QA team, operations (the
    /// release managers) and users (reached through the stakeholders until the policy names a list).
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Audiences { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["stakeholders"] = ["role:" + Stakeholder],
        ["development-team"] = ["role:" + TechnicalLead, "role:" + ProductOwner],
        ["qa-team"] = ["role:" + QaLead],
        ["operations"] = ["role:" + ReleaseManager],
        ["users"] = ["role:" + Stakeholder],
    };

    private static SystemPolicy NewSystem(string description) => new()
    {
        Description = description,
        Approvers = new Dictionary<string, IReadOnlyList<string>>(),
        Thresholds = null,
    };

    private static GateItem Evidenced(string id, string description) => new()
    {
        Id = id,
        Description = description,
        SatisfiedBy = GateSatisfaction.Evidence,
        Threshold = null,
        AttestationRoles = [],
        Waivable = true,
    };

    private static GateItem Evidenced(string id, string description, ThresholdComparison comparison, decimal value, string unit) =>
        Evidenced(id, description) with { Threshold = new() { Comparison = comparison, Value = value, Unit = unit } };

    private static GateItem Attested(string id, string description, string role) => new()
    {
        Id = id,
        Description = description,
        SatisfiedBy = GateSatisfaction.Attestation,
        Threshold = null,
        AttestationRoles = [role],
        Waivable = true,
    };

    private static RiskMatrixCell Cell(RiskRating impact, RiskRating probability, RiskRating level) =>
        new() { Impact = impact, Probability = probability, Level = level };

    private static EnvironmentStandard Environment(string purpose, string data, string access, string databaseServer, string apiEndpoint) => new()
    {
        Purpose = purpose,
        Data = data,
        Access = access,
        RequiredSettings = new Dictionary<string, string>
        {
            ["databaseServer"] = databaseServer,
            ["apiEndpoint"] = apiEndpoint,
            ["encryptionEnabled"] = "true",
            ["tlsRequired"] = "true",
            ["authenticationRequired"] = "true",
            ["auditLoggingEnabled"] = "true",
        },
    };

    private static CommunicationEvent Communication(string id, string description, int offsetDays, string template, params string[] audiences) => new()
    {
        Id = id,
        Description = description,
        Offset = TimeSpan.FromDays(offsetDays),
        Audiences = audiences,
        Template = template,
    };
}
