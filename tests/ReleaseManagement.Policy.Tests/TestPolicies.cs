using ReleaseManagement.Approvals;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Policy.Tests;

internal static class TestPolicies
{
    public static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    public static ReleasePolicy Default => ReleasePolicyDefaults.Create();

    /// <summary>The default policy with someone for every role the defaults use.</summary>
    public static ReleasePolicy WithApprovers() => Default with
    {
        Approvers = new Dictionary<string, IReadOnlyList<string>>
        {
            [PolicyRoles.Executive] = ["exec@example.com"],
            [PolicyRoles.Stakeholder] = ["stake@example.com"],
            [PolicyRoles.ProductOwner] = ["po@example.com"],
            [PolicyRoles.TechnicalLead] = ["lead@example.com"],
            [PolicyRoles.QaLead] = ["qa@example.com"],
            [PolicyRoles.ReleaseManager] = ["rm@example.com"],
        },
    };

    /// <summary>An instant given as New York wall-clock time.</summary>
    public static DateTimeOffset NewYorkTime(int year, int month, int day, int hour, int minute = 0) =>
        PolicyTime.AtLocal(NewYork, new DateOnly(year, month, day), new TimeOnly(hour, minute));

    public static ApprovalDecision Decision(string approver, bool approved, string stage = "plan", string? id = null, string? comment = null) =>
        new(id ?? $"{stage}:{approver}:{approved}:{Guid.NewGuid():N}", stage, approved, approver, comment, DateTimeOffset.UnixEpoch);
}
