using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReleaseManagement.Releases;
using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

public sealed class PolicyLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("policy-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static string RepoRoot() => ReleaseFunctions.TestSupport.Repo.Root;

    private static string ExamplePath => Path.Combine(RepoRoot(), "config", "release-policy.example.json");

    /// <summary>The defaults with their example people written out, as config/release-policy.example.json holds them.</summary>
    internal static string ExampleText()
    {
        var node = JsonSerializer.SerializeToNode(ReleasePolicyDefaults.Example(), PolicyJson.Options)!.AsObject();
        var withSchema = new JsonObject { ["$schema"] = "./release-policy.schema.json" };
        foreach (var (key, value) in node.ToList())
        {
            node.Remove(key);
            withSchema[key] = value;
        }

        return withSchema.ToJsonString(PolicyJson.Indented) + "\n";
    }

    private static JsonNode Json(ReleasePolicy policy) => JsonSerializer.SerializeToNode(policy, PolicyJson.Options)!;

    private static JsonObject DefaultJson() => Json(ReleasePolicyDefaults.Create()).AsObject();

    private static PolicyLoadResult Parse(JsonNode json) => ReleasePolicyLoader.Parse(json.ToJsonString(), "test");

    [Fact]
    public void Defaults_AreAValidPolicy()
    {
        Assert.Empty(PolicyFileValidator.Validate(ReleasePolicyDefaults.Create()));
        Assert.Empty(ReleasePolicyLoader.SchemaErrors(JsonSerializer.SerializeToElement(ReleasePolicyDefaults.Create(), PolicyJson.Options)));
    }

    [Fact]
    public void Parse_ReportRecipientsOmitted_DefaultsToStakeholdersAndReleaseManagers()
    {
        var json = DefaultJson();
        json.Remove("reportRecipients");

        var result = Parse(json);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal([PolicyRoles.Stakeholder, PolicyRoles.ReleaseManager], result.Policy!.ReportRecipients);
    }

    [Fact]
    public void Parse_ReportRecipientsGiven_AreRolesAndAddresses()
    {
        var json = DefaultJson();
        json["reportRecipients"] = new JsonArray("executive", "cfo@example.com");

        var result = Parse(json);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(["executive", "cfo@example.com"], result.Policy!.ReportRecipients);
    }

    [Fact]
    public void Parse_ReportRecipientBlank_IsASchemaError()
    {
        var json = DefaultJson();
        json["reportRecipients"] = new JsonArray(" ");

        var result = Parse(json);

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.ToString().Contains("reportRecipients", StringComparison.Ordinal));
    }

    [Fact]
    public void ExampleFile_LoadsAndEqualsTheDefaultsWithExamplePeople()
    {
        if (System.Environment.GetEnvironmentVariable("UPDATE_POLICY_EXAMPLE") == "1")
        {
            File.WriteAllText(ExamplePath, ExampleText());
        }

        var result = ReleasePolicyLoader.Parse(File.ReadAllText(ExamplePath), ExamplePath);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.True(JsonNode.DeepEquals(Json(ReleasePolicyDefaults.Example()), Json(result.Policy!)), "The example differs from the defaults with their example people: regenerate it with UPDATE_POLICY_EXAMPLE=1.");
        Assert.Empty(ReleasePolicyDefaults.Create().Approvers);
        Assert.All(PolicyRolesNamed(result.Policy!), role => Assert.NotEmpty(result.Policy!.Approvers.GetValueOrDefault(role, [])));
        Assert.Equal(ExampleText(), File.ReadAllText(ExamplePath).ReplaceLineEndings("\n"));
    }

    /// <summary>Every role the policy's approval stages and audit readers name.</summary>
    private static IEnumerable<string> PolicyRolesNamed(ReleasePolicy policy) =>
        policy.Approvals.Values.SelectMany(a => a.RequiredRoles.Concat(a.EscalationContacts)).Concat(policy.Audit.ReaderRoles).Distinct(StringComparer.Ordinal);

    [Fact]
    public void Parse_RoundTripOfAPolicy_GivesTheSamePolicy()
    {
        var policy = WithApprovers();

        var result = ReleasePolicyLoader.Parse(PolicyJson.Serialize(policy));

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.True(JsonNode.DeepEquals(Json(policy), Json(result.Policy!)));
        Assert.Equal(policy.Approvers[PolicyRoles.TechnicalLead], result.Policy!.Approvers[PolicyRoles.TechnicalLead]);
        Assert.Equal(TimeSpan.FromDays(90), result.Policy.ReleaseTypes[ReleaseType.Major].PlanningHorizon.MinLeadTime);
    }

    [Fact]
    public void Parse_DurationsInSeconds_AreAccepted()
    {
        var json = DefaultJson();
        json["approvals"]!["plan"]!["timeout"] = "00:00:05";
        json["approvals"]!["plan"]!["reminderBefore"] = "00:00:02";
        json["successCriteria"]!["watchDuration"] = "00:00:10";
        json["successCriteria"]!["checkInterval"] = "00:00:01";
        json["successCriteria"]!["validationDelay"] = "00:00:03"; // shorter than the watch, as it must be

        var result = Parse(json);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(TimeSpan.FromSeconds(5), result.Policy!.Approvals["plan"].Timeout);
        Assert.Equal(TimeSpan.FromSeconds(10), result.Policy.SuccessCriteria.WatchDuration);
        Assert.Equal(TimeSpan.FromSeconds(3), result.Policy.SuccessCriteria.ValidationDelay);
    }

    [Fact]
    public void Parse_SchemaViolations_ReportsEveryOneWithItsPath()
    {
        var json = DefaultJson();
        json["approvals"]!["promotion:production"]!["timeout"] = "two days";
        json["approvals"]!["plan"]!["quorum"] = "Most";
        json["releaseTypes"]!["Major"]!.AsObject().Remove("planningHorizon");
        json["systems"]!["Billing"]!["colour"] = "blue";
        json["approvers"] = new JsonObject { ["technical-lead"] = new JsonArray("not-an-email") };
        json["successCriteria"]!["maxCriticalIssues"] = -1;

        var result = Parse(json);

        Assert.False(result.IsValid);
        Assert.Null(result.Policy);
        var paths = result.Errors.Select(e => e.Path).ToHashSet();
        Assert.Contains("$.approvals['promotion:production'].timeout", paths);
        Assert.Contains("$.approvals.plan.quorum", paths);
        Assert.Contains("$.releaseTypes.Major", paths);
        Assert.Contains("$.systems.Billing.colour", paths);
        Assert.Contains("$.approvers['technical-lead'][0]", paths);
        Assert.Contains("$.successCriteria.maxCriticalIssues", paths);
        Assert.Contains(result.Errors, e => e.Path == "$.releaseTypes.Major" && e.Message.Contains("planningHorizon"));
        Assert.Equal(6, result.Errors.Count);
        Assert.Contains(new PolicyError("$.releaseTypes.Major", "Required properties [\"planningHorizon\"] are not present"), result.Errors);
        Assert.Contains(result.Errors, e => e.Path == "$.systems.Billing.colour" && e.Message.StartsWith("Not a property of the policy"));
        Assert.Contains(result.Errors, e => e.Path == "$.approvals['promotion:production'].timeout" && e.Message.StartsWith("\"two days\" is not a duration"));
        Assert.Contains(result.Errors, e => e.Path == "$.approvals.plan.quorum" && e.Message == "\"Most\" is not one of the allowed values.");
    }

    [Fact]
    public void Parse_RuleViolations_ReportsEveryOneWithItsPath()
    {
        var json = DefaultJson();
        json["timeZone"] = "Mars/Olympus_Mons";
        json["releaseTypes"]!["Minor"]!["planningHorizon"]!["maxLeadTime"] = "1.00:00:00";
        json["releaseTypes"]!["Patch"]!["approvalStage"] = "cab";
        json["approvals"]!["plan"]!["reminderBefore"] = "5.00:00:00";
        json["promotion"]!["route"]![1]!["validation"] = new JsonArray("integration-tests", "smoke-tests");
        json["releaseWindows"]!["blackouts"] = new JsonArray(new JsonObject { ["from"] = "2026-12-31", ["to"] = "2026-12-01", ["reason"] = "Backwards" });
        json["riskMatrix"]!["cells"]!.AsArray().RemoveAt(0);
        json["successCriteria"]!["checkInterval"] = "2.00:00:00";

        var result = Parse(json);

        Assert.False(result.IsValid);
        Assert.Equal(
            [
                "$.timeZone",
                "$.releaseTypes.Minor.planningHorizon.maxLeadTime",
                "$.releaseTypes.Patch.approvalStage",
                "$.approvals.plan.reminderBefore",
                "$.promotion.route[1].validation[1]",
                "$.releaseWindows.blackouts[0].to",
                "$.riskMatrix.cells",
                "$.successCriteria.checkInterval",
            ],
            result.Errors.Select(e => e.Path));
        Assert.Contains("'Mars/Olympus_Mons' is not an IANA time zone", result.Errors[0].Message);
        Assert.Contains("'smoke-tests' is not a quality gate item", result.Errors[4].Message);
    }

    [Fact]
    public void Parse_NotJson_ReportsOneErrorAtTheRoot()
    {
        var result = ReleasePolicyLoader.Parse("{ \"timeZone\": ", "test");

        var error = Assert.Single(result.Errors);
        Assert.Equal("$", error.Path);
        Assert.StartsWith("Not valid JSON", error.Message);
    }

    [Fact]
    public void Parse_CommentsAndTrailingCommas_AreAllowed()
    {
        var text = DefaultJson().ToJsonString(PolicyJson.Indented);
        text = "// the policy\n" + text[..text.LastIndexOf('}')] + ",\n}";

        Assert.True(ReleasePolicyLoader.Parse(text).IsValid);
    }

    [Fact]
    public void GetOrThrow_InvalidPolicy_ThrowsWithEveryErrorInTheMessage()
    {
        var json = DefaultJson();
        json["timeZone"] = "Nowhere/Special";
        json["successCriteria"]!["watchDuration"] = "00:00:00";

        var e = Assert.Throws<ReleasePolicyException>(() => Parse(json).GetOrThrow());

        Assert.Equal(2, e.Errors.Count);
        Assert.Contains("$.timeZone: 'Nowhere/Special'", e.Message);
        Assert.Contains("$.successCriteria.watchDuration: Must be a positive duration", e.Message);
        Assert.Contains("(2 errors)", e.Message);
    }

    [Fact]
    public void Resolve_NoPathAndNoFile_GivesTheDefaults()
    {
        var result = ReleasePolicyLoader.Resolve(null, _dir);

        Assert.True(result.IsValid);
        Assert.Equal("the built-in defaults", result.Source);
        Assert.True(JsonNode.DeepEquals(Json(ReleasePolicyDefaults.Create()), Json(result.Policy!)));
    }

    [Fact]
    public void Resolve_DefaultFilePresent_LoadsIt()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "config"));
        File.WriteAllText(Path.Combine(_dir, "config", "release-policy.json"), PolicyJson.Serialize(WithApprovers()));

        var policy = ReleasePolicyLoader.Load(null, _dir);

        Assert.Equal(["lead@example.com"], policy.Approvers[PolicyRoles.TechnicalLead]);
    }

    [Fact]
    public void Resolve_ConfiguredRelativePath_LoadsItFromTheBaseDirectory()
    {
        File.WriteAllText(Path.Combine(_dir, "custom.json"), PolicyJson.Serialize(WithApprovers() with { TimeZone = "Europe/Berlin" }));

        Assert.Equal("Europe/Berlin", ReleasePolicyLoader.Load("custom.json", _dir).TimeZone);
    }

    [Fact]
    public void Resolve_ConfiguredPathMissing_IsAnError()
    {
        var result = ReleasePolicyLoader.Resolve("missing.json", _dir);

        Assert.False(result.IsValid);
        Assert.Contains("does not exist", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public void FromPolicy_BuiltInCode_IsValidatedToo()
    {
        var policy = Default with
        {
            Approvals = new Dictionary<string, ApprovalRule>(Default.Approvals)
            {
                ["plan"] = Default.Approvals["plan"] with { Timeout = TimeSpan.Zero, OnTimeout = TimeoutOutcome.EscalateThenReject, EscalationContacts = [] },
            },
        };

        var result = ReleasePolicyLoader.FromPolicy(policy, "code");

        Assert.Equal(["$.approvals.plan.timeout", "$.approvals.plan.escalationContacts"], result.Errors.Select(e => e.Path));
    }

    /// <summary>
    /// The checks the C# rules leave to the schema (issue 23, point 4): each is refused at its path, with a message that
    /// says what is wrong, before any rule of <see cref="PolicyFileValidator"/> runs.
    /// </summary>
    [Theory]
    [InlineData("releaseTypes.Hotfix", "$.releaseTypes", "Hotfix")]
    [InlineData("approvals.plan", "$.approvals", "plan")]
    [InlineData("approvals.plan.requiredRoles[]", "$.approvals.plan.requiredRoles", "at least 1")]
    [InlineData("approvals.plan.requiredRoles[blank]", "$.approvals.plan.requiredRoles[0]", "must not be empty or blank")]
    [InlineData("promotion.route[0].cadence[]", "$.promotion.route[0].cadence", "at least 1")]
    [InlineData("qualityGates.Testing.items[]", "$.qualityGates.Testing.items", "at least 1")]
    [InlineData("changeCategories.Normal.allowedReleaseTypes[]", "$.changeCategories.Normal.allowedReleaseTypes", "at least 1")]
    [InlineData("communications[0].audiences[]", "$.communications[0].audiences", "at least 1")]
    [InlineData("successCriteria.maxCriticalIssues=-1", "$.successCriteria.maxCriticalIssues", "-1")]
    [InlineData("metricTargets.minTestCoveragePercent=101", "$.metricTargets.minTestCoveragePercent", "101")]
    [InlineData("emergencyReview.reviewerRoles[]", "$.emergencyReview.reviewerRoles", "at least 1")]
    public void Parse_WhatOnlyTheSchemaChecks_IsRefusedAtItsPath(string change, string path, string said)
    {
        var json = DefaultJson();
        switch (change)
        {
            case "releaseTypes.Hotfix": json["releaseTypes"]!.AsObject().Remove("Hotfix"); break;
            case "approvals.plan": json["approvals"]!.AsObject().Remove("plan"); break;
            case "approvals.plan.requiredRoles[]": json["approvals"]!["plan"]!["requiredRoles"] = new JsonArray(); break;
            case "approvals.plan.requiredRoles[blank]": json["approvals"]!["plan"]!["requiredRoles"] = new JsonArray(" "); break;
            case "promotion.route[0].cadence[]": json["promotion"]!["route"]![0]!["cadence"] = new JsonArray(); break;
            case "qualityGates.Testing.items[]": json["qualityGates"]!["Testing"]!["items"] = new JsonArray(); break;
            case "changeCategories.Normal.allowedReleaseTypes[]": json["changeCategories"]!["Normal"]!["allowedReleaseTypes"] = new JsonArray(); break;
            case "communications[0].audiences[]": json["communications"]![0]!["audiences"] = new JsonArray(); break;
            case "successCriteria.maxCriticalIssues=-1": json["successCriteria"]!["maxCriticalIssues"] = -1; break;
            case "metricTargets.minTestCoveragePercent=101": json["metricTargets"]!["minTestCoveragePercent"] = 101; break;
            case "emergencyReview.reviewerRoles[]": json["emergencyReview"]!["reviewerRoles"] = new JsonArray(); break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, null);
        }

        var result = Parse(json);

        Assert.Null(result.Policy);
        Assert.Contains(result.Errors, e => e.Path == path && e.Message.Contains(said, StringComparison.Ordinal));
    }

    [Fact]
    public void SchemaFile_IsTheEmbeddedSchema()
    {
        Assert.Equal(
            File.ReadAllText(Path.Combine(RepoRoot(), "config", "release-policy.schema.json")).ReplaceLineEndings("\n"),
            ReleasePolicyLoader.SchemaText().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Schema_AndModel_AgreeOnPropertyNames()
    {
        var schema = JsonNode.Parse(ReleasePolicyLoader.SchemaText())!.AsObject();
        var defs = schema["$defs"]!.AsObject();
        var modelTypes = typeof(ReleasePolicy).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(ReleasePolicy).Namespace && t.IsClass && t.IsSealed && ReachableFromPolicy.Contains(t))
            .ToList();

        Assert.True(modelTypes.Count >= 23, $"Only {modelTypes.Count} model types were found.");

        // The root object is ReleasePolicy; every other model type has a $defs entry of its name.
        AssertSameProperties(typeof(ReleasePolicy), schema, ignore: ["$schema"]);
        foreach (var type in modelTypes.Where(t => t != typeof(ReleasePolicy)))
        {
            Assert.True(defs.ContainsKey(type.Name), $"The schema has no $defs/{type.Name}.");
            AssertSameProperties(type, defs[type.Name]!.AsObject(), ignore: []);
        }

        // Every capitalised $defs entry is a model type.
        foreach (var (name, _) in defs.Where(d => char.IsUpper(d.Key[0])))
        {
            Assert.Contains(modelTypes, t => t.Name == name);
        }
    }

    /// <summary>Every model type reachable from ReleasePolicy through its properties (collections and dictionaries included).</summary>
    private static readonly HashSet<Type> ReachableFromPolicy = Reachable(typeof(ReleasePolicy));

    private static HashSet<Type> Reachable(Type root)
    {
        var seen = new HashSet<Type>();
        var queue = new Queue<Type>([root]);
        while (queue.TryDequeue(out var type))
        {
            if (type.Namespace != root.Namespace || !type.IsClass || !seen.Add(type))
            {
                continue;
            }

            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                foreach (var t in Flatten(property.PropertyType))
                {
                    queue.Enqueue(t);
                }
            }
        }

        return seen;
    }

    private static IEnumerable<Type> Flatten(Type type) =>
        type.IsGenericType ? type.GetGenericArguments().SelectMany(Flatten).Append(type) : [Nullable.GetUnderlyingType(type) ?? type];

    private static void AssertSameProperties(Type type, JsonObject schemaObject, string[] ignore)
    {
        var expected = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))
            .Order(StringComparer.Ordinal)
            .ToArray();
        var actual = schemaObject["properties"]!.AsObject().Select(p => p.Key).Except(ignore).Order(StringComparer.Ordinal).ToArray();
        Assert.True(expected.SequenceEqual(actual), $"{type.Name}: model [{string.Join(", ", expected)}] vs schema [{string.Join(", ", actual)}].");

        // What the model requires, the schema requires; what it leaves optional, the schema does not require.
        var required = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetCustomAttributes().Any(a => a.GetType().Name == "RequiredMemberAttribute"))
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))
            .Order(StringComparer.Ordinal)
            .ToArray();
        var schemaRequired = schemaObject["required"]!.AsArray().Select(n => n!.GetValue<string>()).Order(StringComparer.Ordinal).ToArray();
        Assert.True(required.SequenceEqual(schemaRequired), $"{type.Name}: model requires [{string.Join(", ", required)}] vs schema [{string.Join(", ", schemaRequired)}].");
        Assert.Equal(false, schemaObject["additionalProperties"]?.GetValue<bool>());
    }
}
