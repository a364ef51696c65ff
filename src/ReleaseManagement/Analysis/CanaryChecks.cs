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

    /// <summary>The canary's share of the requests against the share its step should carry: exact binomial test, with a relative tolerance.</summary>
    public const string Throughput = "throughput";

    /// <summary>Requests per signed-in user: Mann-Whitney U, canary users doing less, with a tolerance on the median.</summary>
    public const string UserActivity = "userActivity";

    /// <summary>The metric in words, for summaries.</summary>
    public static string Describe(string metric) => metric switch
    {
        Duration => "request duration",
        FailureRate => "failure rate",
        ExceptionRate => "exception rate",
        Throughput => "throughput",
        UserActivity => "user activity",
        _ => metric,
    };
}
