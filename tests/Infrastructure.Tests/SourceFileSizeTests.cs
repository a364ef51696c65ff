namespace Infrastructure.Tests;

/// <summary>
/// Files that hold one idea (issue 23, point 4): no C# file of logic under src/ is over <see cref="MaxLines"/> lines. The
/// policy defaults (<c>ReleasePolicyDefaults.cs</c>, data written as code) are the one exception; generated files
/// (under obj/ or bin/, <c>*.g.cs</c>) are not counted. Split a file that grows past the limit by concern.
/// </summary>
public sealed class SourceFileSizeTests
{
    public const int MaxLines = 350;

    private static readonly string[] Exceptions = ["src/ReleaseManagement/Policy/ReleasePolicyDefaults.cs"];

    /// <summary>Every hand-written C# file under src/ (relative paths), the exceptions included.</summary>
    private static List<string> SourceFiles() =>
        Directory.EnumerateFiles(Path.Combine(Repo.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin"))
            .Where(p => !p.EndsWith(".g.cs", StringComparison.Ordinal))
            .Select(Repo.Relative)
            .Order(StringComparer.Ordinal)
            .ToList();

    [Fact]
    public void SourceFiles_OfLogic_AreAtMost350Lines()
    {
        var files = SourceFiles();
        Assert.True(files.Count > 100, $"Only {files.Count} C# files found under {Path.Combine(Repo.Root, "src")}: the walk is wrong.");

        var tooLong = files
            .Where(f => !Exceptions.Contains(f, StringComparer.Ordinal))
            .Select(f => (File: f, Lines: File.ReadLines(Path.Combine(Repo.Root, f)).Count()))
            .Where(x => x.Lines > MaxLines)
            .Select(x => $"{x.File}: {x.Lines} lines")
            .ToList();

        Assert.True(tooLong.Count == 0, $"Over {MaxLines} lines (split by concern): {string.Join("; ", tooLong)}");
    }

    [Fact]
    public void Exceptions_StillExist()
    {
        Assert.All(Exceptions, e => Assert.Contains(e, SourceFiles()));
    }
}
