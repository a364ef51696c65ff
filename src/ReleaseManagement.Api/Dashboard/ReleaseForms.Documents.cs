using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>The release page's forms for the release documentation (issue 27, point 4): link a document, add a known issue.</summary>
public sealed partial record ReleaseForms
{
    public const string Document = EvidenceKinds.Document;
    public const string KnownIssue = EvidenceKinds.KnownIssue;

    /// <summary>
    /// "Link a document" for the documents a person may report (<paramref name="documents"/>, the catalogue's with their
    /// verdicts; the API checks the document's reporter roles), and "Add a known issue" (the API checks
    /// <c>access.permissions.knownIssue</c>). Both post to the evidence route, as the other gate forms do.
    /// </summary>
    private static IEnumerable<ActionForm> DocumentForms(IReadOnlyList<FieldOption> documents, Func<string, FormBuilder> formFor, string releaseId)
    {
        var action = DashboardRoutes.Action(DashboardRoutes.EvidenceRoute, releaseId);
        if (documents.Count > 0)
        {
            var f = formFor(Document);
            yield return f.Form(
                "Link a document", "Record link", action,
                "A link (http or https) to a release document: the gate before production waits for those the release's type requires.",
                [new(EvidenceField.Kind, EvidenceKinds.Document)],
                [
                    f.Select(EvidenceField.Item, "Document", documents),
                    f.Text(EvidenceField.Url, "Link", required: true, type: "url", maxLength: 2000),
                    f.Text(EvidenceField.Title, "Title", required: false, maxLength: EvidenceRequestValidator.MaxDocumentTitleLength),
                ]);
        }

        var k = formFor(KnownIssue);
        yield return k.Form(
            "Add a known issue", "Add known issue", action,
            "An issue the release ships with, listed by its release notes with the open incidents of its systems.",
            [new(EvidenceField.Kind, EvidenceKinds.KnownIssue)],
            [
                k.Text(EvidenceField.Title, "Title", required: true, maxLength: EvidenceRequestValidator.MaxDocumentTitleLength),
                k.TextArea("note", "Description", required: false, maxLength: RequestFields.MaxNoteLength),
                k.Text(EvidenceField.Url, "Link", required: false, type: "url", maxLength: 2000),
            ]);
    }
}
