using Microsoft.Extensions.Logging.Abstractions;
using ReleaseManagement.Activities;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Tests.Activities;

/// <summary>The <see cref="SetFeatureFlag"/> activity and its identity as a journaled effect.</summary>
public sealed class SetFeatureFlagTests
{
    private static readonly FeatureFlagChange Change = new("req-1", "2026.12.1", "new-checkout", Enabled: true, 25, "exposure step 25 %");

    [Fact]
    public async Task RunAsync_Change_PassesItToThePortUnchanged()
    {
        var flags = new RecordingFlags();

        Assert.True(await new SetFeatureFlag(flags, NullLogger<SetFeatureFlag>.Instance).RunAsync(Change, TestContext.Current.CancellationToken));

        Assert.Equal(Change, Assert.Single(flags.Changes));
    }

    [Fact]
    public async Task RunAsync_FlagSystemDown_Throws()
    {
        var flags = new RecordingFlags { Failure = new InvalidOperationException("The feature flag store is unavailable: HTTP 503.") };

        var e = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new SetFeatureFlag(flags, NullLogger<SetFeatureFlag>.Instance).RunAsync(Change, TestContext.Current.CancellationToken));

        Assert.Contains("unavailable", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EffectKey_FlagChange_IsJournaledByFlagAndStateWithoutTheRequestId()
    {
        var key = EffectKeys.Of(ActivityNames.SetFeatureFlag, Change);

        Assert.True(EffectKeys.IsJournaled(ActivityNames.SetFeatureFlag));
        Assert.Equal("flag:new-checkout:true:25", key);
        Assert.Equal(key, EffectKeys.Of(ActivityNames.SetFeatureFlag, Change with { RequestId = "req-2", Reason = null }));
        Assert.Equal("flag:new-checkout:false:0", EffectKeys.Of(ActivityNames.SetFeatureFlag, Change with { Enabled = false, Percentage = 0 }));
    }

    private sealed class RecordingFlags : IFeatureFlags
    {
        public List<FeatureFlagChange> Changes { get; } = [];

        public Exception? Failure { get; init; }

        public Task SetAsync(FeatureFlagChange change, CancellationToken cancellationToken = default)
        {
            if (Failure is not null)
            {
                throw Failure;
            }

            Changes.Add(change);
            return Task.CompletedTask;
        }
    }
}
