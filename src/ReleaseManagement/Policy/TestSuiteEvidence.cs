namespace ReleaseManagement.Policy;

/// <summary>How a finished test-suite run (a pipeline's <c>TestSuiteRunFinished</c> event) counts as gate evidence.</summary>
public sealed record TestSuiteEvidence
{
    /// <summary>The gate item a run's pass or fail counts for when the event names none (<c>unit-tests</c>).</summary>
    public string ResultItem { get; init; } = "unit-tests";

    /// <summary>The gate item a run's coverage figure counts for, as a measured value (<c>test-coverage</c>).</summary>
    public string CoverageItem { get; init; } = "test-coverage";
}
