using System.Reflection;
using Xunit.Sdk;
using Xunit.v3;

// Every test project orders its test classes with StartFirstOrderer (below).
[assembly: TestCollectionOrderer(typeof(ReleaseFunctions.TestSupport.StartFirstOrderer))]

namespace ReleaseFunctions.TestSupport;

/// <summary>
/// A test class that takes far longer than the others of its project (minutes, where they take seconds). It starts
/// before them: started late, it would run alone at the end while the rest of the project has long finished.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class StartFirstAttribute : Attribute;

/// <summary>
/// xUnit's own order (a different one each run) with the classes marked <see cref="StartFirstAttribute"/> moved to the
/// front. Only classes in a test collection of their own (xUnit's default, one per class) can be moved.
/// </summary>
public sealed class StartFirstOrderer : ITestCollectionOrderer
{
    private const string PerClassPrefix = "Test collection for ";

    /// <summary>The full names of this assembly's classes marked to start first.</summary>
    public static IReadOnlySet<string> Marked { get; } = typeof(StartFirstOrderer).Assembly.GetTypes()
        .Where(t => t.GetCustomAttribute<StartFirstAttribute>() is not null)
        .Select(t => t.FullName!)
        .ToHashSet(StringComparer.Ordinal);

    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : ITestCollection =>
        [.. DefaultTestCollectionOrderer.Instance.OrderTestCollections(testCollections).OrderBy(c => StartsFirst(c) ? 0 : 1)];

    /// <summary>
    /// Whether a collection is the collection of a class marked to start first. xUnit names a class's own collection
    /// "Test collection for NAMESPACE.CLASS (id: HASH)".
    /// </summary>
    public static bool StartsFirst(ITestCollection collection)
    {
        var name = collection.TestCollectionDisplayName;
        if (!name.StartsWith(PerClassPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        name = name[PerClassPrefix.Length..];
        var id = name.IndexOf(" (id: ", StringComparison.Ordinal);
        return Marked.Contains(id < 0 ? name : name[..id]);
    }
}
