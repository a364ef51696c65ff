using ReleaseManagement.Communications;

namespace ReleaseManagement.Policy.Validation;

/// <summary><c>communications</c>: each has a unique id, a template, an audience and known attachments.</summary>
internal sealed class CommunicationRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy) => Communications(policy.Communications, PolicyPath.Root.Property("communications"));

    private void Communications(IReadOnlyList<CommunicationEvent> events, string path)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var at = path.Index(i);
            if (string.IsNullOrWhiteSpace(e.Id))
            {
                errors.Add(at.Property("id"), "A communication needs an id.");
            }
            else if (!ids.Add(e.Id))
            {
                errors.Add(at.Property("id"), $"'{e.Id}' appears twice.");
            }

            if (string.IsNullOrWhiteSpace(e.Template))
            {
                errors.Add(at.Property("template"), "A communication names its template.");
            }

            if (e.Audiences.Count == 0)
            {
                errors.Add(at.Property("audiences"), "A communication needs at least one audience.");
            }

            foreach (var a in e.Attach.Where(a => !CommunicationAttachments.All.Contains(a)))
            {
                errors.Add(at.Property("attach"), $"'{a}' is not an attachment: use {string.Join(" or ", CommunicationAttachments.All)}.");
            }
        }
    }
}
