namespace ReleaseManagement.Policy;

public enum ThresholdComparison
{
    AtLeast,
    AtMost,
}
