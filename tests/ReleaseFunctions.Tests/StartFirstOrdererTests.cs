using ReleaseFunctions.TestSupport;
using Xunit.v3;

namespace ReleaseFunctions.Tests;

/// <summary>
/// The order this project's test classes start in (tests/Shared/StartFirst.cs), on xUnit's own collections: the demo's
/// class and the local host's slices, the longest (minutes, where most take seconds), start first (README, "Tests").
/// </summary>
public sealed class StartFirstOrdererTests
{
    [Fact]
    public void OrderTestCollections_XunitsCollectionPerClass_TheMarkedClassesComeFirst()
    {
        var factory = new CollectionPerClassTestCollectionFactory(
            new XunitTestAssembly(typeof(DemoScriptTests).Assembly, null, null, null, null, null, null));
        var collections = new[] { typeof(AuthGateTests), typeof(HostParityTests), typeof(LocalHostEndToEndTests), typeof(DemoScriptTests) }
            .Select(factory.Get)
            .ToList();

        var ordered = new StartFirstOrderer().OrderTestCollections(collections);

        Assert.Equal(collections.Count, ordered.Count);
        var first = ordered.Take(2).Select(c => c.TestCollectionDisplayName).ToList();
        Assert.Contains(first, n => n.StartsWith($"Test collection for {typeof(DemoScriptTests).FullName} ", StringComparison.Ordinal));
        Assert.Contains(first, n => n.StartsWith($"Test collection for {typeof(LocalHostEndToEndTests).FullName} ", StringComparison.Ordinal));
        Assert.Equal(2, ordered.Count(StartFirstOrderer.StartsFirst));
        Assert.All(ordered.Skip(2), c => Assert.False(StartFirstOrderer.StartsFirst(c), c.TestCollectionDisplayName));
    }
}
