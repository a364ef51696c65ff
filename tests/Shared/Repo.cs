namespace ReleaseFunctions.TestSupport;

/// <summary>Paths in the repository, found from the test assembly's location (tests/X/bin/CONFIG/TFM/).</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration the tests were built in (Debug or Release); the hosts are built alike.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static string BuildOutput(string project) => Path("src", project, "bin", Configuration, "net10.0");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "ReleaseFunctions.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("ReleaseFunctions.sln not found above " + AppContext.BaseDirectory);
    }
}
