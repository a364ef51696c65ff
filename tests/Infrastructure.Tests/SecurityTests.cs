using System.Text.Json.Nodes;

namespace Infrastructure.Tests;

/// <summary>Key security and hosting properties of the compiled infra/main.bicep.</summary>
public sealed class SecurityTests
{
    private static JsonObject Main => Bicep.Main;

    private static ArmResource Single(string type)
    {
        var resources = Arm.OfType(Main, type);
        Assert.True(resources.Count == 1, $"expected one {type}, found {resources.Count}");
        return resources[0];
    }

    [Fact]
    public void Storage_Account_IsIdentityOnlyTls12AndHttpsOnly()
    {
        var storage = Single("Microsoft.Storage/storageAccounts");

        Assert.False((bool)storage.Property("allowSharedKeyAccess")!);
        Assert.Equal("TLS1_2", (string?)storage.Property("minimumTlsVersion"));
        Assert.True((bool)storage.Property("supportsHttpsTrafficOnly")!);
        Assert.False((bool)storage.Property("allowBlobPublicAccess")!);
    }

    [Fact]
    public void AuditCheckpoints_Container_HasATimeBasedRetentionPolicyWithoutAppendWrites()
    {
        var policy = Single("Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies");
        var text = Arm.Text(policy.Resource["name"]);

        Assert.Contains("audit-checkpoints", text, StringComparison.Ordinal);
        Assert.False((bool)policy.Property("allowProtectedAppendWrites")!);
        Assert.NotNull(policy.Property("immutabilityPeriodSinceCreationInDays"));
    }

    [Fact]
    public void FunctionApp_Site_IsHttpsOnlyTls12FlexDotnetIsolatedWithUserAssignedIdentity()
    {
        var site = Single("Microsoft.Web/sites");
        var plan = Single("Microsoft.Web/serverfarms");

        Assert.Equal("FlexConsumption", (string?)plan.Resource["sku"]?["tier"]);
        Assert.True((bool)site.Property("httpsOnly")!);
        Assert.Equal("1.2", (string?)site.Property("siteConfig.minTlsVersion"));
        Assert.Equal("dotnet-isolated", (string?)site.Property("functionAppConfig.runtime.name"));
        Assert.Equal("UserAssigned", (string?)site.Resource["identity"]?["type"]);
        Assert.NotNull(site.Property("keyVaultReferenceIdentity"));
        Assert.Equal("UserAssignedIdentity", (string?)site.Property("functionAppConfig.deployment.storage.authentication.type"));
    }

    [Fact]
    public void FunctionApp_DotnetVersion_MatchesTheAppsTargetFramework()
    {
        var runtimeConfig = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.FunctionsOutput, "ReleaseFunctions.runtimeconfig.json")))!;
        var tfm = (string)runtimeConfig["runtimeOptions"]!["tfm"]!;

        var version = (string?)Main["parameters"]!["dotnetVersion"]!["defaultValue"];

        Assert.Equal($"net{version}", tfm);
    }

    [Fact]
    public void FunctionApp_AlwaysReady_CoversHttpAndDurableGroups()
    {
        var alwaysReady = Single("Microsoft.Web/sites").Property("functionAppConfig.scaleAndConcurrency.alwaysReady");
        var text = Arm.Text(alwaysReady);

        Assert.Contains("'name', 'http'", text, StringComparison.Ordinal);
        Assert.Contains("'name', 'durable'", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ServiceBus_Topic_IsReleaseEventsWithDuplicateDetectionAndLocalAuthOff()
    {
        var topic = Single("Microsoft.ServiceBus/namespaces/topics");
        var subscription = Single("Microsoft.ServiceBus/namespaces/topics/subscriptions");
        var ns = Single("Microsoft.ServiceBus/namespaces");

        Assert.True((bool)topic.Property("requiresDuplicateDetection")!);
        Assert.Equal("release-events", (string?)Arm.ModuleParameter(Main, "serviceBus", "topicName"));
        Assert.NotNull(subscription.Resource["name"]);
        Assert.True((bool)ns.Property("disableLocalAuth")!);
        Assert.Equal("1.2", (string?)ns.Property("minimumTlsVersion"));
    }

    [Fact]
    public void FeatureFlags_Store_IsStandardIdentityOnlyWithTheAppAsDataOwner()
    {
        var store = Single("Microsoft.AppConfiguration/configurationStores");
        Assert.Equal("standard", (string?)store.Resource["sku"]!["name"]);
        Assert.True((bool)store.Property("disableLocalAuth")!);

        var roles = Arm.Module(Main, "roles")["properties"]!["template"]!.AsObject();
        Assert.Equal("5ae67dd6-50cb-40e7-96ff-dc2bfa4b606b", (string?)roles["variables"]!["roles"]!["appConfigurationDataOwner"]);
        var owner = Assert.Single(Arm.OfType(roles, "Microsoft.Authorization/roleAssignments"),
            a => Arm.Text(a.Property("roleDefinitionId")).Contains("roles').appConfigurationDataOwner", StringComparison.Ordinal));
        Assert.StartsWith("[resourceId('Microsoft.AppConfiguration/configurationStores'", (string?)owner.Resource["scope"], StringComparison.Ordinal);
        Assert.Contains("appConfiguration", Arm.Text(Arm.ModuleParameter(Main, "roles", "appConfigurationName")), StringComparison.Ordinal);

        var settings = Arm.ModuleParameter(Main, "functionApp", "appSettings")!;
        Assert.Contains("'appConfiguration'", Arm.Text(settings["FeatureFlags__Endpoint"]), StringComparison.Ordinal);
        Assert.Contains("outputs.endpoint", Arm.Text(settings["FeatureFlags__Endpoint"]), StringComparison.Ordinal);
    }

    /// <summary>
    /// The app's own list of anonymous routes (<c>AnonymousRoutes.ExcludedPaths</c> in the built ReleaseManagement.Api, read
    /// by reflection: nothing of ASP.NET Core is needed to read a list of strings).
    /// </summary>
    private static IReadOnlyList<string> AppAnonymousPaths()
    {
        var assembly = System.Reflection.Assembly.LoadFrom(Path.Combine(Repo.FunctionsOutput, "ReleaseManagement.Api.dll"));
        var type = assembly.GetType("ReleaseManagement.Api.Auth.AnonymousRoutes", throwOnError: true)!;
        return (IReadOnlyList<string>)type.GetProperty("ExcludedPaths")!.GetValue(null)!;
    }

    [Fact]
    public void Auth_ExcludedPaths_EqualTheAppsAnonymousRoutesExactly()
    {
        var auth = Single("Microsoft.Web/sites/config");
        Assert.True((bool)auth.Property("globalValidation.requireAuthentication")!);
        Assert.True((bool)auth.Property("platform.enabled")!);
        Assert.True((bool)auth.Property("identityProviders.azureActiveDirectory.enabled")!);

        var excluded = Arm.ModuleParameter(Main, "functionApp", "authExcludedPaths")!.AsArray().Select(p => (string)p!).ToList();
        var app = AppAnonymousPaths();

        Assert.Equal(app.Order(StringComparer.Ordinal), excluded.Order(StringComparer.Ordinal));
        Assert.Equal(excluded.Count, excluded.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains("/api/health", excluded);
        Assert.Contains("/api/approvals/*", excluded);
    }

    [Fact]
    public void Auth_Mode_IsAppServiceInTheInfra()
    {
        var appSettings = Arm.ModuleParameter(Main, "functionApp", "appSettings")!.AsObject();

        Assert.Equal("AppService", (string?)appSettings["Auth__Mode"]);
    }

    [Fact]
    public void Auth_HumanFacingRoutes_AreNotExcluded()
    {
        var excluded = Arm.ModuleParameter(Main, "functionApp", "authExcludedPaths")!.AsArray().Select(p => (string)p!).ToList();
        var routes = FunctionsMetadata.HttpRoutes().ToList();
        Assert.Contains("health", routes);

        foreach (var route in routes)
        {
            var path = "/api/" + route;
            var open = excluded.Any(e => e.EndsWith("/*", StringComparison.Ordinal)
                ? path.StartsWith(e[..^1], StringComparison.OrdinalIgnoreCase)
                : string.Equals(path, e, StringComparison.OrdinalIgnoreCase));
            // The emailed links carry their token: an approval link (a decision still needs the approver signed in) and a
            // feedback link (a reader, a user of the system, may have no account).
            var meantOpen = route.StartsWith("webhooks/", StringComparison.OrdinalIgnoreCase) || route == "health" || route == "approvals/{token}" || route == "feedback/{token}";
            Assert.True(open == meantOpen, $"{path}: excluded from authentication = {open}, expected {meantOpen}");
        }
    }

    [Fact]
    public void KeyVault_Vault_UsesRbacAndAppSettingsReferenceIt()
    {
        var vault = Single("Microsoft.KeyVault/vaults");
        Assert.True((bool)vault.Property("enableRbacAuthorization")!);
        Assert.True((bool)vault.Property("enableSoftDelete")!);

        var references = Arm.ModuleParameter(Main, "functionApp", "keyVaultReferences")!.AsObject();
        Assert.NotEmpty(references);
        var site = Arm.OfType(Main, "Microsoft.Web/sites").Single();
        Assert.Contains("@Microsoft.KeyVault(SecretUri=", Arm.Text(site.Template["variables"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Roles_AppIdentity_GetsLeastPrivilegeRolesOnNarrowScopes()
    {
        var module = Arm.Module(Main, "roles")["properties"]!["template"]!.AsObject();
        var roleIds = module["variables"]!["roles"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!);
        var storageRoles = Arm.Text(module["variables"]!["storageRoles"]);
        var assignments = Arm.OfType(module, "Microsoft.Authorization/roleAssignments")
            .Select(a => (Role: Arm.Text(a.Property("roleDefinitionId")), Scope: (string?)a.Resource["scope"] ?? ""))
            .ToList();

        // The built-in role ids, as documented for each role.
        Assert.Equal("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", roleIds["storageBlobDataOwner"]);
        Assert.Equal("974c5e8b-45b9-4653-ba55-5f855dd0fb88", roleIds["storageQueueDataContributor"]);
        Assert.Equal("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", roleIds["storageTableDataContributor"]);
        Assert.Equal("69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", roleIds["serviceBusDataSender"]);
        Assert.Equal("43d0d8ad-25c7-4714-9337-8ba259a9fe05", roleIds["monitoringReader"]);
        Assert.Equal("3913510d-42f4-4e42-8a64-420c390055eb", roleIds["monitoringMetricsPublisher"]);
        Assert.Equal("4633458b-17de-408a-b874-0445c86b69e6", roleIds["keyVaultSecretsUser"]);

        string ScopeOf(string roleExpression) => Assert.Single(assignments, a => a.Role.Contains(roleExpression, StringComparison.Ordinal)).Scope;

        Assert.Contains("storageBlobDataOwner", storageRoles, StringComparison.Ordinal);
        Assert.Contains("storageQueueDataContributor", storageRoles, StringComparison.Ordinal);
        Assert.Contains("storageTableDataContributor", storageRoles, StringComparison.Ordinal);
        Assert.StartsWith("[resourceId('Microsoft.Storage/storageAccounts'", ScopeOf("variables('storageRoles')[copyIndex()]"), StringComparison.Ordinal);
        Assert.StartsWith("[resourceId('Microsoft.ServiceBus/namespaces/topics'", ScopeOf("roles').serviceBusDataSender"), StringComparison.Ordinal);
        Assert.StartsWith("[resourceId('Microsoft.OperationalInsights/workspaces'", ScopeOf("roles').monitoringReader"), StringComparison.Ordinal);
        Assert.StartsWith("[resourceId('Microsoft.Insights/components'", ScopeOf("roles').monitoringMetricsPublisher"), StringComparison.Ordinal);
        Assert.StartsWith("[resourceId('Microsoft.KeyVault/vaults'", ScopeOf("roles').keyVaultSecretsUser"), StringComparison.Ordinal);
        Assert.DoesNotContain(roleIds.Values, id => id is "8e3af657-a8ff-443c-a75c-2fe8c4bcb635" or "b24988ac-6180-42a0-ab88-20f7382dd24c"); // Owner, Contributor
        Assert.All(assignments, a => Assert.NotEqual("", a.Scope)); // nothing at resource-group scope
    }

    [Fact]
    public void Alerts_Rules_CoverPoisonQueueFailedOrchestrationsAndServerErrors()
    {
        var rules = Single("Microsoft.Insights/scheduledQueryRules");
        var alerts = Arm.Module(Main, "alerts");
        var variables = Arm.Text(alerts["properties"]!["template"]!["variables"]);

        Assert.Equal("pipeline-events-poison", (string?)Arm.ModuleParameter(Main, "alerts", "poisonQueueName"));
        Assert.Contains("poison-queue", variables, StringComparison.Ordinal);
        Assert.Contains("failed-orchestrations", variables, StringComparison.Ordinal);
        Assert.Contains("server-errors", variables, StringComparison.Ordinal);
        Assert.Contains(">= 500", variables, StringComparison.Ordinal);
        Assert.NotNull(rules.Resource["copy"]);
    }

    [Fact]
    public void Alerts_TelemetryRules_QueryProcessingLagStrandedReleasesAndHourLongOutagesOfTheAppsMetrics()
    {
        var alerts = Arm.Module(Main, "alerts")["properties"]!["template"]!.AsObject();
        var rules = alerts["variables"]!["rules"]!.AsArray().Select(r => r!.AsObject()).ToDictionary(r => (string)r["name"]!);
        string Query(string name) => Arm.Text(rules[name]["query"]);
        int Default(string parameter) => (int)alerts["parameters"]![parameter]!["defaultValue"]!;

        // Each rule queries the app's OpenTelemetry metric in AppMetrics with its threshold parameter, for this app only.
        Assert.Contains("AppMetrics", Query("processing-lag"), StringComparison.Ordinal);
        Assert.Contains("''releasefunctions.pipeline_events.processing_lag'' and Max > {1}", Query("processing-lag"), StringComparison.Ordinal);
        Assert.Contains("parameters('processingLagSeconds')", Query("processing-lag"), StringComparison.Ordinal);
        Assert.Contains("''releasefunctions.dependency.outage.longest'' and Max > {1}", Query("dependency-outage-hour"), StringComparison.Ordinal);
        Assert.Contains("parameters('dependencyOutageSeconds')", Query("dependency-outage-hour"), StringComparison.Ordinal);
        Assert.Contains("''releasefunctions.releases.stranded'' and Max > 0", Query("stranded-releases"), StringComparison.Ordinal);
        Assert.Contains("ALERT: release", Query("stranded-releases"), StringComparison.Ordinal);
        Assert.All(new[] { "processing-lag", "dependency-outage-hour", "stranded-releases" },
            name => Assert.Contains("AppRoleName == ''{0}''", Query(name), StringComparison.Ordinal));
        Assert.Equal((300, 3600), (Default("processingLagSeconds"), Default("dependencyOutageSeconds")));
        Assert.Null(Arm.Module(Main, "alerts")["properties"]!["parameters"]!["dependencyOutageSeconds"]);

        // The names are the app's own instruments (src/ReleaseManagement/Telemetry/ReleaseTelemetry.cs).
        var telemetry = File.ReadAllText(Path.Combine(Repo.Root, "src", "ReleaseManagement", "Telemetry", "ReleaseTelemetry.cs"));
        Assert.All(
            new[] { "releasefunctions.pipeline_events.processing_lag", "releasefunctions.dependency.outage.longest", "releasefunctions.releases.stranded" },
            metric => Assert.Contains($"= \"{metric}\";", telemetry, StringComparison.Ordinal));
    }

    [Fact]
    public void FunctionApp_Telemetry_GoesToTheApplicationInsightsOfTheWorkspaceWithEntraIdIngestion()
    {
        var appSettings = Arm.ModuleParameter(Main, "functionApp", "appSettings")!.AsObject();
        var component = Single("Microsoft.Insights/components");

        Assert.Contains("appInsightsConnectionString", Arm.Text(appSettings["APPLICATIONINSIGHTS_CONNECTION_STRING"]), StringComparison.Ordinal);
        Assert.Contains("Authorization=AAD", Arm.Text(appSettings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]), StringComparison.Ordinal);
        Assert.True((bool)component.Property("DisableLocalAuth")!);
        Assert.Equal("LogAnalytics", (string?)component.Property("IngestionMode"));

        // host.json: the Functions host hands telemetry to the worker's OpenTelemetry (Program.cs exports it).
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, "host.json")))!;
        Assert.Equal("OpenTelemetry", (string?)host["telemetryMode"]);
    }
}
