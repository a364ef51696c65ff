using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Infrastructure.Tests;

/// <summary>
/// The restore is reproducible (issue 22): every project, and the Functions SDK's generated WorkerExtensions project,
/// has a committed lock file, and what the build restored is exactly what the lock names. scripts/test.sh restores in
/// locked mode, so a registry that starts serving another version fails the restore; these tests catch the rest (a
/// lock not committed, a build restored without locks, a central pin the lock does not follow).
/// </summary>
public sealed class PackageLockTests
{
    private static readonly string[] ProjectFolders = ["src", "tests", "bench", "tools"];

    /// <summary>Every project of the repository (relative paths), the generated ones under obj/ left out.</summary>
    private static IEnumerable<string> ProjectPaths() =>
        ProjectFolders
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(Repo.Root, folder), "*.csproj", SearchOption.AllDirectories))
            .Where(p => !p.Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin"))
            .Select(Repo.Relative)
            .Order(StringComparer.Ordinal);

    public static TheoryData<string> Projects() => new(ProjectPaths());

    private static string WorkerExtensionsLock => Path.Combine(Repo.Root, "src", "ReleaseFunctions", "WorkerExtensions.packages.lock.json");

    private static string WorkerExtensionsAssets =>
        Path.Combine(Repo.Root, "src", "ReleaseFunctions", "obj", Repo.Configuration, "net10.0", "WorkerExtensions", "obj", "project.assets.json");

    [Theory]
    [MemberData(nameof(Projects))]
    public void Project_Restored_ResolvesExactlyTheVersionsItsLockFileNames(string project)
    {
        var folder = Path.GetDirectoryName(Path.Combine(Repo.Root, project))!;
        var lockFile = Path.Combine(folder, "packages.lock.json");
        Assert.True(File.Exists(lockFile), $"{project} has no packages.lock.json; run scripts/update-locks.sh and commit it.");

        AssertAssetsMatchLock(Path.Combine(folder, "obj", "project.assets.json"), lockFile);
    }

    [Fact]
    public void WorkerExtensions_Restored_ResolvesExactlyTheVersionsOfItsCommittedLock()
    {
        Assert.True(File.Exists(WorkerExtensionsLock), "src/ReleaseFunctions/WorkerExtensions.packages.lock.json is missing.");

        AssertAssetsMatchLock(WorkerExtensionsAssets, WorkerExtensionsLock);
    }

    [Fact]
    public void CentralPins_EveryLockResolvesThePinnedVersion()
    {
        var pins = XDocument.Load(Path.Combine(Repo.Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!, StringComparer.OrdinalIgnoreCase);
        var mismatches = new List<string>();

        foreach (var project in ProjectPaths())
        {
            var lockFile = Path.Combine(Repo.Root, Path.GetDirectoryName(project)!, "packages.lock.json");
            foreach (var (name, version) in Locked(lockFile))
            {
                if (pins.TryGetValue(name, out var pinned) && pinned != version)
                {
                    mismatches.Add($"{project}: {name} {version}, pinned {pinned}");
                }
            }
        }

        Assert.True(mismatches.Count == 0, "Locks that do not follow Directory.Packages.props:\n" + string.Join('\n', mismatches));
    }

    [Fact]
    public void CentralPackageManagement_PinsTransitivePackages()
    {
        var props = XDocument.Load(Path.Combine(Repo.Root, "Directory.Packages.props"));

        Assert.Equal("true", props.Descendants("CentralPackageTransitivePinningEnabled").Single().Value);
        Assert.Equal("true", XDocument.Load(Path.Combine(Repo.Root, "Directory.Build.props")).Descendants("RestorePackagesWithLockFile").Single().Value);
    }

    [Theory]
    [InlineData("scripts/test.sh")]
    [InlineData("scripts/run-local.sh")]
    [InlineData("scripts/import-history.sh")]
    [InlineData("scripts/replay-poison.sh")]
    [InlineData("bench/run.sh")]
    public void Script_ThatBuilds_RestoresInLockedMode(string script)
    {
        var text = File.ReadAllText(Path.Combine(Repo.Root, script));

        // The tools' scripts build through scripts/lib/tool.sh (run_tool), which exports it for them.
        var builder = text.Contains("source \"$REPO_ROOT/scripts/lib/tool.sh\"", StringComparison.Ordinal)
            ? File.ReadAllText(Path.Combine(Repo.Root, "scripts", "lib", "tool.sh"))
            : text;
        Assert.Contains("export RestoreLockedMode=true", builder, StringComparison.Ordinal);
    }

    private static void AssertAssetsMatchLock(string assetsFile, string lockFile)
    {
        Assert.True(File.Exists(assetsFile), $"{Repo.Relative(assetsFile)} is missing: the project was not restored.");
        var restored = JsonNode.Parse(File.ReadAllText(assetsFile))!["libraries"]!.AsObject()
            .Where(library => (string?)library.Value!["type"] == "package")
            .Select(library => library.Key.Split('/'))
            .Select(parts => (Name: parts[0], Version: parts[1]))
            .ToHashSet();
        var locked = Locked(lockFile).ToHashSet();

        var notLocked = restored.Except(locked).Select(p => $"{p.Name} {p.Version}").Order().ToList();
        var notRestored = locked.Except(restored).Select(p => $"{p.Name} {p.Version}").Order().ToList();
        Assert.True(
            notLocked.Count == 0 && notRestored.Count == 0,
            $"{Repo.Relative(assetsFile)} differs from {Repo.Relative(lockFile)}.\nRestored, not locked: {string.Join(", ", notLocked)}\n"
            + $"Locked, not restored: {string.Join(", ", notRestored)}");
    }

    /// <summary>Every package a lock file resolves, over its target frameworks (projects it lists are left out).</summary>
    private static IEnumerable<(string Name, string Version)> Locked(string lockFile) =>
        JsonNode.Parse(File.ReadAllText(lockFile))!["dependencies"]!.AsObject()
            .SelectMany(framework => framework.Value!.AsObject())
            .Where(dependency => (string?)dependency.Value!["type"] != "Project")
            .Select(dependency => (dependency.Key, (string)dependency.Value!["resolved"]!))
            .Distinct();
}
