using System.Text.Json.Nodes;
using Azure;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Azure.FeatureFlags;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Tests.FeatureFlags;

/// <summary>
/// <see cref="AppConfigurationFeatureFlags"/> against a protocol fake of the App Configuration data plane
/// (<see cref="FakeAppConfiguration"/>): what it sends, what it keeps of a flag it does not own, races and outages.
/// </summary>
public sealed class AppConfigurationFeatureFlagsTests : IAsyncLifetime
{
    private const string Key = AppConfigurationFeatureFlags.KeyPrefix + "new-checkout";
    private FakeAppConfiguration _store = null!;
    private readonly StaticToken _token = new(FakeAppConfiguration.Token);

    public async ValueTask InitializeAsync() => _store = await FakeAppConfiguration.StartAsync();

    public async ValueTask DisposeAsync() => await _store.DisposeAsync();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static FeatureFlagChange On(int percentage, string flag = "new-checkout") =>
        new($"req-{percentage}", "2026.12.1", flag, Enabled: true, percentage, $"exposure step {percentage} %");

    private static FeatureFlagChange Off(string flag = "new-checkout") => new("req-off", "2026.12.1", flag, Enabled: false, 0, "rollback");

    private static JsonObject? Targeting(JsonObject flag) =>
        flag["conditions"]!["client_filters"]!.AsArray().OfType<JsonObject>().SingleOrDefault(f => (string?)f["name"] == "Microsoft.Targeting");

    [Fact]
    public async Task SetAsync_AbsentFlag_CreatesItWithTheTargetingFilterOverTheDocumentedProtocol()
    {
        await _store.Client(_token, label: "prod").SetAsync(On(5), Cancel);

        var put = Assert.Single(_store.Puts);
        Assert.Equal("*", put.IfNoneMatch);
        Assert.Null(put.IfMatch);
        Assert.Equal($"Bearer {FakeAppConfiguration.Token}", put.Authorization);
        Assert.StartsWith(AppConfigurationFeatureFlags.KeyValueMediaType, put.ContentType, StringComparison.Ordinal);
        Assert.StartsWith("/kv/.appconfig.featureflag%2Fnew-checkout?", put.RawTarget, StringComparison.Ordinal);
        Assert.Contains("api-version=2026-04-01", put.RawTarget, StringComparison.Ordinal);
        Assert.Equal("prod", put.Label);
        Assert.Equal(_store.Endpoint.GetLeftPart(UriPartial.Authority) + "/.default", _token.Scopes.Distinct().Single());
        var stored = _store.Get(Key, "prod")!;
        Assert.Equal(AppConfigurationFeatureFlags.FeatureFlagContentType, stored.ContentType);
        var flag = _store.Flag("new-checkout", "prod");
        Assert.Equal("new-checkout", (string?)flag["id"]);
        Assert.True((bool)flag["enabled"]!);
        Assert.Equal(5, (int)Targeting(flag)!["parameters"]!["Audience"]!["DefaultRolloutPercentage"]!);
    }

    [Fact]
    public async Task SetAsync_ExistingFlag_KeepsWhatItDoesNotOwnAndWritesIfMatch()
    {
        var seeded = _store.Seed(Key, null, """
            {"id":"new-checkout","description":"The new checkout","enabled":false,"conditions":{"client_filters":[
              {"name":"Microsoft.TimeWindow","parameters":{"Start":"Mon, 07 Dec 2026 00:00:00 GMT"}},
              {"name":"Microsoft.Targeting","parameters":{"Audience":{"Users":["ann@example.com"],"Groups":[{"Name":"beta","RolloutPercentage":50}],"DefaultRolloutPercentage":5}}}
            ]},"telemetry":{"enabled":true}}
            """, new JsonObject { ["owner"] = "payments" });

        await _store.Client(_token).SetAsync(On(25), Cancel);

        Assert.Equal(seeded.ETag, Assert.Single(_store.Puts).IfMatch);
        var flag = _store.Flag("new-checkout");
        Assert.True((bool)flag["enabled"]!);
        Assert.Equal("The new checkout", (string?)flag["description"]);
        Assert.True((bool)flag["telemetry"]!["enabled"]!);
        Assert.Contains(flag["conditions"]!["client_filters"]!.AsArray(), f => (string?)f!["name"] == "Microsoft.TimeWindow");
        var audience = Targeting(flag)!["parameters"]!["Audience"]!;
        Assert.Equal(25, (int)audience["DefaultRolloutPercentage"]!);
        Assert.Equal("ann@example.com", (string?)audience["Users"]![0]);
        Assert.Equal("beta", (string?)audience["Groups"]![0]!["Name"]);
        Assert.Equal("payments", (string?)_store.Get(Key)!.Tags["owner"]);
    }

    [Fact]
    public async Task SetAsync_ChangedBetweenReadAndWrite_ReadsAgainAndKeepsTheOtherWrite()
    {
        _store.Seed(Key, null, """{"id":"new-checkout","enabled":true,"conditions":{"client_filters":[]}}""");
        // The GET is answered normally; just before the PUT, a person edits the flag's description: the PUT gets 412.
        _store.Before((_, _) => Task.FromResult(false));
        _store.Before((_, _) =>
        {
            _store.Seed(Key, null, """{"id":"new-checkout","description":"edited meanwhile","enabled":true,"conditions":{"client_filters":[]}}""");
            return Task.FromResult(false);
        });

        await _store.Client(_token).SetAsync(On(25), Cancel);

        Assert.Equal(2, _store.Puts.Count);
        var flag = _store.Flag("new-checkout");
        Assert.Equal("edited meanwhile", (string?)flag["description"]);
        Assert.Equal(25, (int)Targeting(flag)!["parameters"]!["Audience"]!["DefaultRolloutPercentage"]!);
    }

    [Fact]
    public async Task SetAsync_KeepsChangingUnderEveryWrite_ThrowsPreconditionFailed()
    {
        _store.Seed(Key, null, """{"id":"new-checkout","enabled":false,"conditions":{"client_filters":[]}}""");
        for (var i = 0; i < 3; i++)
        {
            _store.Before((_, _) => Task.FromResult(false));
            _store.Before((_, _) =>
            {
                _store.Seed(Key, null, """{"id":"new-checkout","enabled":false,"conditions":{"client_filters":[]}}""");
                return Task.FromResult(false);
            });
        }

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => _store.Client(_token).SetAsync(On(5), Cancel));

        Assert.Equal(412, e.Status);
        Assert.Equal(3, _store.Puts.Count);
    }

    [Fact]
    public async Task SetAsync_HundredPercent_RemovesTheTargetingFilterAndKeepsTheOthers()
    {
        _store.Seed(Key, null, """
            {"id":"new-checkout","enabled":true,"conditions":{"client_filters":[
              {"name":"Microsoft.TimeWindow","parameters":{}},
              {"name":"Microsoft.Targeting","parameters":{"Audience":{"DefaultRolloutPercentage":25}}}]}}
            """);

        await _store.Client(_token).SetAsync(On(100), Cancel);

        var flag = _store.Flag("new-checkout");
        Assert.True((bool)flag["enabled"]!);
        Assert.Null(Targeting(flag));
        Assert.Equal("Microsoft.TimeWindow", (string?)Assert.Single(flag["conditions"]!["client_filters"]!.AsArray())!["name"]);
    }

    [Fact]
    public async Task SetAsync_Disable_TurnsTheFlagOffAndLeavesItsFilters()
    {
        _store.Seed(Key, null, """{"id":"new-checkout","enabled":true,"conditions":{"client_filters":[{"name":"Microsoft.Targeting","parameters":{"Audience":{"DefaultRolloutPercentage":25}}}]}}""");

        await _store.Client(_token).SetAsync(Off(), Cancel);

        var flag = _store.Flag("new-checkout");
        Assert.False((bool)flag["enabled"]!);
        Assert.Equal(25, (int)Targeting(flag)!["parameters"]!["Audience"]!["DefaultRolloutPercentage"]!);
    }

    [Fact]
    public async Task SetAsync_SameStateTwice_WritesOnce()
    {
        var client = _store.Client(_token);

        await client.SetAsync(On(25), Cancel);
        var etag = _store.Get(Key)!.ETag;
        await client.SetAsync(On(25), Cancel);

        Assert.Single(_store.Puts);
        Assert.Equal(etag, _store.Get(Key)!.ETag);
    }

    [Fact]
    public async Task SetAsync_StoreAnswers503_ThrowsUnavailableAfterTheRetries()
    {
        for (var i = 0; i < 2; i++)
        {
            _store.Before(async (c, _) =>
            {
                await FakeAppConfiguration.Problem(c, 503, "Service unavailable", "down");
                return true;
            });
        }

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => _store.Client(_token, maxRetries: 1).SetAsync(On(5), Cancel));

        Assert.StartsWith("The feature flag store is unavailable: HTTP 503", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, _store.Received.Count);
        Assert.Null(_store.Get(Key));
    }

    [Fact]
    public async Task SetAsync_NoAnswerInTime_ThrowsUnavailable()
    {
        _store.Before(async (c, _) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), c.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return true;
        });

        var e = await Assert.ThrowsAsync<InvalidOperationException>(
            () => _store.Client(_token, maxRetries: 0, networkTimeout: TimeSpan.FromMilliseconds(300)).SetAsync(On(5), Cancel));

        Assert.StartsWith("The feature flag store is unavailable: no answer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetAsync_TokenRefused_ThrowsTheServiceError()
    {
        var e = await Assert.ThrowsAsync<RequestFailedException>(() => _store.Client(new StaticToken("wrong-token")).SetAsync(On(5), Cancel));

        Assert.Equal(401, e.Status);
        Assert.Empty(_store.Puts);
    }
}
