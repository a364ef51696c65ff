namespace ReleaseFunctions.TestSupport;

/// <summary>
/// Request fields that satisfy the built-in release policy, shared by every test project that starts a release over HTTP:
/// a target date inside the type's planning horizon that falls on a production window day, and an approver per role.
/// </summary>
public static class ValidRelease
{
    /// <summary>People for every role of the built-in policy; two technical leads, so one of them may request a release the other approves.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Approvers = new Dictionary<string, string[]>
    {
        ["executive"] = ["exec@example.com"],
        ["stakeholder"] = ["stakeholder@example.com"],
        ["product-owner"] = ["po@example.com"],
        ["technical-lead"] = ["lead@example.com", "lead2@example.com"],
        ["qa-lead"] = ["qa@example.com"],
        ["release-manager"] = ["rm@example.com"],
    };

    /// <summary>The first Tuesday (a default window day) at least <paramref name="minDays"/> days from today (UTC).</summary>
    public static string TargetDate(int minDays = 35)
    {
        var date = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(minDays);
        while (date.DayOfWeek != DayOfWeek.Tuesday)
        {
            date = date.AddDays(1);
        }

        return date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
    }
}
