using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

/// <summary>
/// A communication's confirmation (<c>communications[].confirm</c>, issue 27 point 5): the T-3 readiness in the defaults,
/// an item the evidence API takes as an attestation of its roles, and the policy checks on it.
/// </summary>
public sealed class CommunicationConfirmationTests
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> People = new Dictionary<string, IReadOnlyList<string>>
    {
        [PolicyRoles.ReleaseManager] = ["rm@example.com"],
        [PolicyRoles.TechnicalLead] = ["lead@example.com"],
    };

    [Fact]
    public void Defaults_TheReadinessNoticeAsksTheReleaseManager_WarnedAtTheFinalNotice()
    {
        var readiness = Assert.Single(Default.Communications, c => c.Confirm is not null);

        Assert.Equal(("deployment-readiness", -3), (readiness.Id, readiness.Offset.Days));
        Assert.Equal("deployment-readiness", readiness.Confirm!.Item);
        Assert.Equal([PolicyRoles.ReleaseManager], readiness.Confirm.Roles);
        Assert.Equal("final-notice", readiness.Confirm.WarnAt);
        Assert.Equal(TimeSpan.FromHours(1), readiness.Confirm.RecheckEvery);
    }

    [Fact]
    public void GateItemInputs_TheConfirmation_IsAnAttestationOfItsRolesNeverWaived()
    {
        var item = GateItemInputs.Find(Default, "deployment-readiness");

        Assert.NotNull(item);
        Assert.Equal([EvidenceKinds.Attestation], GateItemInputs.KindsFor(item));
        Assert.True(GateEntitlement.Allows(item, EvidenceKinds.Attestation, "rm@example.com", People));
        Assert.False(GateEntitlement.Allows(item, EvidenceKinds.Attestation, "lead@example.com", People));
    }

    [Fact]
    public void Validate_WarnAtNotALaterCommunication_OrRecheckNotPositive_AreErrorsOnTheirPaths()
    {
        var readiness = Default.Communications.Single(c => c.Confirm is not null);
        var index = Default.Communications.ToList().FindIndex(c => c.Id == readiness.Id);
        ReleasePolicy With(CommunicationConfirmation confirm) => Default with
        {
            Communications = [.. Default.Communications.Select(c => c.Id == readiness.Id ? c with { Confirm = confirm } : c)],
        };

        var earlier = ReleasePolicyLoader.FromPolicy(With(readiness.Confirm! with { WarnAt = "testing-start" }), "code").Errors;
        var unknown = ReleasePolicyLoader.FromPolicy(With(readiness.Confirm! with { WarnAt = "no-such-notice" }), "code").Errors;
        var never = ReleasePolicyLoader.FromPolicy(With(readiness.Confirm! with { RecheckEvery = TimeSpan.Zero }), "code").Errors;

        Assert.Contains(earlier, e => e.Path == $"$.communications[{index}].confirm.warnAt" && e.Message.Contains("later communication", StringComparison.Ordinal));
        Assert.Contains(unknown, e => e.Path == $"$.communications[{index}].confirm.warnAt");
        Assert.Contains(never, e => e.Path == $"$.communications[{index}].confirm.recheckEvery");
        Assert.True(ReleasePolicyLoader.FromPolicy(Default, "code").IsValid);
    }
}
