using Azure.Storage.Blobs;
using ReleaseManagement.Audit;
using ReleaseManagement.Azure.Storage;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Azure.Tests;

/// <summary>Policy snapshots as write-once, content-addressed blobs on Azurite; the release row that names one.</summary>
public sealed class BlobPolicySnapshotsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly BlobContainerClient _container = new(Azurite.ConnectionString, Azurite.UniqueName("policies"));

    private static ReleasePolicy Other() => ReleasePolicyDefaults.Create() with
    {
        SuccessCriteria = ReleasePolicyDefaults.Create().SuccessCriteria with { SignOffRoles = [PolicyRoles.TechnicalLead] },
    };

    [Fact]
    public async Task SaveAsync_ThenGetAsync_ReadsBackTheSamePolicyUnderTheAuditTrailsHash()
    {
        var snapshots = new BlobPolicySnapshots(_container);
        var policy = Other();
        var snapshot = PolicySnapshot.Of(policy);

        await snapshots.SaveAsync(snapshot, Ct);
        var read = await snapshots.GetAsync(snapshot.Hash, Ct);

        Assert.NotNull(read);
        Assert.Equal(CanonicalJson.PolicyHash(policy), read.Hash);
        Assert.Equal(snapshot.Json, read.Json);
        Assert.True(read.IsIntact);
        Assert.Equal(CanonicalJson.Of(policy), CanonicalJson.Of(read.ToPolicy()));
        Assert.Equal([PolicyRoles.TechnicalLead], read.ToPolicy().SuccessCriteria.SignOffRoles);
    }

    [Fact]
    public async Task SaveAsync_SameHashTwice_SucceedsAndKeepsOneBlob()
    {
        var snapshots = new BlobPolicySnapshots(_container);
        var snapshot = PolicySnapshot.Of(Other());

        await snapshots.SaveAsync(snapshot, Ct);
        await new BlobPolicySnapshots(_container).SaveAsync(PolicySnapshot.Of(Other()), Ct); // another process, same policy

        var names = new List<string>();
        await foreach (var blob in _container.GetBlobsAsync(cancellationToken: Ct))
        {
            names.Add(blob.Name);
        }

        Assert.Equal([BlobPolicySnapshots.BlobName(snapshot.Hash)], names);
    }

    [Fact]
    public async Task SaveAsync_HashKeptAlready_IsNeverReplaced()
    {
        var snapshots = new BlobPolicySnapshots(_container);
        var snapshot = PolicySnapshot.Of(Other());
        await snapshots.SaveAsync(snapshot, Ct);

        // Written behind the adapter's back: a blob under that name is kept, so a later save leaves it as it is (write-once).
        await Assert.ThrowsAsync<global::Azure.RequestFailedException>(() => _container.GetBlobClient(BlobPolicySnapshots.BlobName(snapshot.Hash))
            .UploadAsync(BinaryData.FromString("{}"), new global::Azure.Storage.Blobs.Models.BlobUploadOptions
            {
                Conditions = new global::Azure.Storage.Blobs.Models.BlobRequestConditions { IfNoneMatch = global::Azure.ETag.All },
            }, Ct));
        await snapshots.SaveAsync(snapshot, Ct);

        Assert.Equal(snapshot.Json, (await snapshots.GetAsync(snapshot.Hash, Ct))!.Json);
    }

    [Fact]
    public async Task SaveAsync_HashNotOfItsJson_IsRefusedAndNothingIsKept()
    {
        var snapshots = new BlobPolicySnapshots(_container);
        var forged = PolicySnapshot.Of(ReleasePolicyDefaults.Create()) with { Json = PolicySnapshot.Of(Other()).Json };

        await Assert.ThrowsAsync<ArgumentException>(() => snapshots.SaveAsync(forged, Ct));

        Assert.Null(await snapshots.GetAsync(forged.Hash, Ct));
    }

    [Fact]
    public async Task GetAsync_UnknownOrMalformedHash_IsNull()
    {
        var snapshots = new BlobPolicySnapshots(_container);

        Assert.Null(await snapshots.GetAsync(new string('a', 64), Ct));
        Assert.Null(await snapshots.GetAsync("../other-container/x", Ct));
    }

    [Fact]
    public async Task ReleasePolicies_ReleaseNamingAKeptSnapshot_RunsUnderItWhileTheCurrentPolicyDiffers()
    {
        var snapshots = new BlobPolicySnapshots(_container);
        var requestedUnder = new ReleasePolicies(snapshots, Other());
        var snapshot = await requestedUnder.CaptureAsync(Ct);
        var store = new TableReleaseStore(StorageClients.FromConnectionString(Azurite.ConnectionString).Tables);
        var id = Azurite.UniqueName("rel-");
        var at = new DateTimeOffset(2026, 11, 27, 9, 30, 0, TimeSpan.Zero);
        Assert.True(await store.TryCreateAsync(new ReleaseRecord(
            // A system of its own: the record is Active in the Releases table every test project shares.
            new ReleaseRequest(id, "December release", ReleaseType.Minor, [ReleaseFunctions.TestSupport.OwnSystem.NewName("snapshot")], new DateOnly(2026, 12, 15), "rm@example.com"),
            at, ReleasePhase.Submitted, ReleaseStatus.Active, "Submitted.", at, PolicyHash: snapshot.Hash), Ct));
        await store.ApplyAsync(ReleaseFunctions.TestSupport.StatusWrites.Change(id, ReleasePhase.Planning, ReleaseStatus.Active, "Planning.", at.AddMinutes(1), stage: "plan"), Ct);

        var record = (await store.GetAsync(id, Ct))!;
        var now = new ReleasePolicies(new BlobPolicySnapshots(_container), ReleasePolicyDefaults.Create()); // a host started with another policy

        Assert.Equal(snapshot.Hash, record.PolicyHash); // a status merge leaves it
        Assert.Equal([PolicyRoles.TechnicalLead], (await now.ForAsync(record, Ct)).SuccessCriteria.SignOffRoles);
        Assert.Equal([PolicyRoles.ReleaseManager], now.Current.SuccessCriteria.SignOffRoles);
    }
}
