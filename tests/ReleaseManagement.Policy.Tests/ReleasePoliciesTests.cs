using ReleaseFunctions.TestSupport;
using ReleaseManagement.Audit;
using ReleaseManagement.Releases;
using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

/// <summary>Which policy a release runs under (<see cref="ReleasePolicies"/>): the snapshot its record names.</summary>
public class ReleasePoliciesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset At = NewYorkTime(2026, 11, 27, 10);

    private static ReleasePolicy Changed() => Default with
    {
        SuccessCriteria = Default.SuccessCriteria with { SignOffRoles = [PolicyRoles.TechnicalLead] },
    };

    private static ReleaseRecord Record(string id, string? hash) => new(
        new ReleaseRequest(id, "A release", ReleaseType.Minor, ["Billing"], new DateOnly(2026, 12, 15)),
        At, ReleasePhase.Planning, ReleaseStatus.Active, "Planned.", At, PolicyHash: hash);

    [Fact]
    public async Task CaptureAsync_CurrentPolicy_KeepsItUnderTheAuditTrailsHashOnceHoweverOftenAsked()
    {
        var snapshots = new InMemoryPolicySnapshots();
        var policies = new ReleasePolicies(snapshots, Changed());

        var first = await policies.CaptureAsync(Ct);
        var second = await policies.CaptureAsync(Ct);

        Assert.Equal(CanonicalJson.PolicyHash(Changed()), first.Hash);
        Assert.Equal(first, second);
        Assert.Equal([first.Hash], snapshots.Hashes);
        Assert.Equal(2, snapshots.Saves);
    }

    [Fact]
    public async Task ForAsync_ReleaseRequestedUnderAnEarlierPolicy_IsThatPolicyNotTheCurrentOne()
    {
        var snapshots = new InMemoryPolicySnapshots();
        var hash = (await new ReleasePolicies(snapshots, Changed()).CaptureAsync(Ct)).Hash;
        var now = new ReleasePolicies(snapshots, Default);

        var policy = await now.ForAsync(Record("r1", hash), Ct);
        var all = await now.ForAllAsync([Record("r1", hash), Record("r2", CanonicalJson.PolicyHash(Default))], cancellationToken: Ct);

        Assert.Equal([PolicyRoles.TechnicalLead], policy.SuccessCriteria.SignOffRoles);
        Assert.Equal(hash, CanonicalJson.PolicyHash(policy));
        Assert.Equal([PolicyRoles.TechnicalLead], all["r1"].SuccessCriteria.SignOffRoles);
        Assert.Same(now.Current, all["r2"]); // the current policy's own hash needs no read
    }

    [Fact]
    public async Task ForAllAsync_OneSnapshotMissing_ThrowsUnlessAViewOfManyTakesTheCurrentPolicyAndIsTold()
    {
        var snapshots = new InMemoryPolicySnapshots();
        var hash = (await new ReleasePolicies(snapshots, Changed()).CaptureAsync(Ct)).Hash;
        var now = new ReleasePolicies(snapshots, Default);
        var missing = new string('a', 64);
        ReleaseRecord[] records = [Record("kept", hash), Record("lost", missing)];
        var told = new List<string>();

        await Assert.ThrowsAsync<InvalidOperationException>(() => now.ForAllAsync(records, cancellationToken: Ct));
        var all = await now.ForAllAsync(records, (r, _) => { lock (told) { told.Add(r.Request.Id); } }, Ct);

        Assert.Equal(["lost"], told);
        Assert.Same(now.Current, all["lost"]);
        Assert.Equal([PolicyRoles.TechnicalLead], all["kept"].SuccessCriteria.SignOffRoles);
    }

    [Fact]
    public async Task ForAsync_RecordWithoutAHash_IsTheCurrentPolicy()
    {
        var now = new ReleasePolicies(new InMemoryPolicySnapshots(), Changed());

        Assert.Same(now.Current, await now.ForAsync(Record("r1", null), Ct));
    }

    [Fact]
    public async Task ForAsync_SnapshotMissing_ThrowsNamingTheRelease()
    {
        var now = new ReleasePolicies(new InMemoryPolicySnapshots(), Default);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => now.ForAsync(Record("r1", new string('b', 64)), Ct));

        Assert.Contains("'r1'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForAsync_StoredSnapshotNotMatchingItsHash_Throws()
    {
        var tampered = new TamperedSnapshots(PolicySnapshot.Of(Default).Json);
        var now = new ReleasePolicies(tampered, Default);

        await Assert.ThrowsAsync<InvalidDataException>(() => now.ForAsync(Record("r1", new string('c', 64)), Ct));
    }

    /// <summary>A store that answers every hash with the same JSON (a snapshot changed behind the app's back).</summary>
    private sealed class TamperedSnapshots(string json) : Ports.IPolicySnapshots
    {
        public Task SaveAsync(PolicySnapshot snapshot, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<PolicySnapshot?> GetAsync(string hash, CancellationToken cancellationToken = default) =>
            Task.FromResult<PolicySnapshot?>(new PolicySnapshot(hash, json));
    }
}
