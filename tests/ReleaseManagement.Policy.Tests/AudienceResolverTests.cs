using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy.Tests;

/// <summary>Audiences are people: the one resolver of audiences, roles, addresses and channels, and the policy's checks of them.</summary>
public sealed class AudienceResolverTests
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> People = new Dictionary<string, IReadOnlyList<string>>
    {
        [PolicyRoles.Stakeholder] = ["sh@example.com", "Finance-Leads@example.com"],
        [PolicyRoles.ReleaseManager] = ["rm@example.com"],
    };

    private static ReleasePolicy Policy() => ReleasePolicyDefaults.Create() with
    {
        Audiences = new Dictionary<string, IReadOnlyList<string>>
        {
            ["stakeholders"] = ["role:stakeholder", "finance-leads@example.com"],
            ["operations"] = ["role:release-manager", "webhook:ops-teams"],
            ["users"] = ["users@example.com"],
            ["development-team"] = ["role:technical-lead"],
            ["qa-team"] = ["role:qa-lead"],
        },
        Systems = new Dictionary<string, SystemPolicy>(ReleasePolicyDefaults.Create().Systems)
        {
            ["Billing"] = ReleasePolicyDefaults.Create().Systems["Billing"] with
            {
                Audiences = new Dictionary<string, IReadOnlyList<string>> { ["users"] = ["billing-users@example.com"] },
            },
        },
    };

    [Fact]
    public void Resolve_RolesAddressesSystemAndRequestAdditions_EachPersonOnce()
    {
        var request = new Dictionary<string, IReadOnlyList<string>> { ["users"] = ["pilot@example.com"] };

        var result = AudienceResolver.Resolve(Policy(), ["Billing"], People, request, ["stakeholders", "users", "operations"]);

        Assert.Equal(["sh@example.com", "Finance-Leads@example.com", "users@example.com", "billing-users@example.com", "pilot@example.com", "rm@example.com"], result.Recipients);
        Assert.Equal(["ops-teams"], result.Webhooks);
        Assert.Empty(result.Empty);
    }

    [Fact]
    public void Resolve_AudienceWhoseRoleNobodyHolds_IsReportedEmpty()
    {
        var result = AudienceResolver.Resolve(Policy(), ["Billing"], People, null, ["qa-team", "stakeholders"]);

        Assert.Equal(["qa-team"], result.Empty);
        Assert.True(result.ReachesAnyone);
        Assert.False(AudienceResolver.Resolve(Policy(), [], People, null, ["qa-team"]).ReachesAnyone);
    }

    [Fact]
    public void Resolve_NotAnAddressAlthoughItContainsAt_IsARoleNotAnAddress()
    {
        var result = AudienceResolver.Resolve(null, [], People, null, ["Ann <ann@example.com>", "release-manager", "role:stakeholder"]);

        Assert.Equal(["rm@example.com", "sh@example.com", "Finance-Leads@example.com"], result.Recipients);
        Assert.Equal(["Ann <ann@example.com>"], result.Empty);
    }

    [Fact]
    public void ReportRecipients_AudienceNamesRolesAndAddresses_ResolveThroughTheOneResolver()
    {
        var policy = Policy() with
        {
            Approvers = new Dictionary<string, IReadOnlyList<string>> { [PolicyRoles.Stakeholder] = ["sh@example.com"] },
            ReportRecipients = ["users", "stakeholder", "cfo@example.com"],
        };

        Assert.Equal(["users@example.com", "billing-users@example.com", "sh@example.com", "cfo@example.com"], Metrics.ReportRecipients.Resolve(policy));
    }

    [Fact]
    public void Validate_CommunicationAudienceThatCanNeverReachAnyone_FailsNamingIt()
    {
        var policy = Policy() with
        {
            Audiences = new Dictionary<string, IReadOnlyList<string>>(Policy().Audiences) { ["users"] = ["role:customer"] },
            Systems = ReleasePolicyDefaults.Create().Systems,
        };

        var errors = PolicyFileValidator.Validate(policy);

        var error = Assert.Single(errors);
        Assert.Contains("Audience 'users'", error.Message, StringComparison.Ordinal);
        Assert.Contains("final-notice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UndefinedAudienceAndMalformedEntries_AreRefused()
    {
        var policy = Policy() with
        {
            Audiences = new Dictionary<string, IReadOnlyList<string>>(Policy().Audiences) { ["operations"] = ["ops", "webhook:Bad Name"] },
            OutcomeAudiences = ["board"],
        };

        var messages = PolicyFileValidator.Validate(policy).Select(e => e.Message).ToArray();

        Assert.Contains(messages, m => m.Contains("'ops' is neither an email address", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("webhook name", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("Audience 'board'", StringComparison.Ordinal) && m.Contains("no audience of that name", StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_AudiencesAreRolesReleasesMustName_AreValid()
    {
        Assert.Empty(PolicyFileValidator.Validate(ReleasePolicyDefaults.Create()));
        Assert.Equal(["role:stakeholder"], ReleasePolicyDefaults.Create().Audiences["stakeholders"]);
    }

    [Fact]
    public void RequestValidation_AudienceAdditions_MustBeAddressesOfKnownAudiences()
    {
        var now = TestPolicies.NewYorkTime(2026, 11, 2, 9);
        var body = new ReleaseRequestBody
        {
            Id = "2026.12.0", Title = "December", Type = "Patch", Systems = ["Billing"], TargetDate = "2026-11-20",
            Audiences = new() { ["users"] = ["not-an-address"], ["board"] = ["b@example.com"] },
        };
        var structural = ReleaseRequestShape.Validate(body, DateOnly.FromDateTime(now.Date));
        Assert.Contains("audiences.users[0]", structural.Errors!.Keys);

        var valid = ReleaseRequestShape.Validate(body with { Audiences = new() { ["board"] = ["b@example.com"] } }, DateOnly.FromDateTime(now.Date)).Value!;
        var policyErrors = ReleaseRequestPolicyRules.Validate(TestPolicies.WithApprovers(), valid, now).Errors!;
        Assert.Contains("audiences.board", policyErrors.Keys);
    }
}
