namespace ReleaseManagement.Releases;

/// <summary>The four release types of the procedure.</summary>
public enum ReleaseType
{
    Major,
    Minor,
    Patch,
    Hotfix,
}
