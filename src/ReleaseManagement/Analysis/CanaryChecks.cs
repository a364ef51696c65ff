namespace ReleaseManagement.Analysis;

/// <summary>The names of the metrics a canary analysis checks (<see cref="CanaryCheck.Metric"/>).</summary>
public static class CanaryChecks
{
    /// <summary>Request durations: Mann-Whitney U, canary slower, with a tolerance on the median.</summary>
    public const string Duration = "duration";

    /// <summary>Failed requests per request: two-proportion z-test, with a tolerance in percentage points.</summary>
    public const string FailureRate = "failureRate";

    /// <summary>Exceptions per request: a Poisson rate comparison (conditional binomial test), with a tolerance per 100 requests.</summary>
    public const string ExceptionRate = "exceptionRate";

    /// <summary>The metric in words, for summaries.</summary>
    public static string Describe(string metric) => metric switch
    {
        Duration => "request duration",
        FailureRate => "failure rate",
        ExceptionRate => "exception rate",
        _ => metric,
    };
}
