namespace ReleaseManagement.Policy.Validation;

/// <summary><c>releaseWindows</c>: weekly windows last more than nothing and at most a week; blackouts end after they start and give a reason.</summary>
internal sealed class WindowRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy) => Windows(policy.ReleaseWindows, PolicyPath.Root.Property("releaseWindows"));

    private void Windows(ReleaseWindowPolicy windows, string path)
    {
        for (var i = 0; i < windows.Weekly.Count; i++)
        {
            var duration = windows.Weekly[i].Duration;
            if (duration <= TimeSpan.Zero || duration > TimeSpan.FromDays(7))
            {
                errors.Add(path.Property("weekly").Index(i).Property("duration"), $"A window lasts more than nothing and at most 7 days (it is {duration}).");
            }
        }

        for (var i = 0; i < windows.Blackouts.Count; i++)
        {
            var b = windows.Blackouts[i];
            var at = path.Property("blackouts").Index(i);
            if (b.To < b.From)
            {
                errors.Add(at.Property("to"), $"The blackout ends ({b.To:yyyy-MM-dd}) before it starts ({b.From:yyyy-MM-dd}).");
            }

            if (string.IsNullOrWhiteSpace(b.Reason))
            {
                errors.Add(at.Property("reason"), "A blackout needs a reason.");
            }
        }
    }
}
