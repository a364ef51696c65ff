namespace ReleaseManagement.Policy;

/// <summary>The change categories of the change control process.</summary>
public enum ChangeCategory
{
    Standard,
    Normal,
    Emergency,
    Major,
}
