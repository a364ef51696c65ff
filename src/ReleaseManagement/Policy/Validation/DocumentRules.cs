namespace ReleaseManagement.Policy.Validation;

/// <summary>
/// <c>documents</c> and each release type's <c>requiredDocuments</c>: a document's id is not a gate item's (a document is a
/// gate item of the release, named by its id), its reporters are pipeline names, and a release type requires only
/// documents of the catalogue.
/// </summary>
internal sealed class DocumentRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy)
    {
        var path = PolicyPath.Root.Property("documents");
        var gateItems = policy.QualityGates.Values.SelectMany(g => g.Items)
            .Concat(policy.Planning.Gate.Items)
            .Concat(policy.RiskMatrix.Mitigations.Values.SelectMany(m => m.RequiredItems.Values.SelectMany(i => i)))
            .Select(i => i.Id)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (id, document) in policy.Documents.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var at = path.Property(id);
            if (gateItems.Contains(id))
            {
                errors.Add(at, $"'{id}' is already a gate item's id: a document is an item of the release's gate, so its id must differ from every gate item's.");
            }

            var reporters = document.Reporters ?? [];
            for (var i = 0; i < reporters.Count; i++)
            {
                if (!Events.WebhookSecrets.IsPipelineName(reporters[i] ?? string.Empty))
                {
                    errors.Add(at.Property("reporters").Index(i), $"'{reporters[i]}' is not a pipeline name (the name of a webhook secret: letters, digits, '-' and '_', starting with a letter).");
                }
            }
        }

        foreach (var (type, typePolicy) in policy.ReleaseTypes.OrderBy(t => t.Key))
        {
            var required = typePolicy.RequiredDocuments ?? [];
            for (var i = 0; i < required.Count; i++)
            {
                if (!policy.Documents.ContainsKey(required[i] ?? string.Empty))
                {
                    var known = policy.Documents.Count == 0 ? "the policy defines none" : $"use one of {string.Join(", ", policy.Documents.Keys.Order(StringComparer.Ordinal))}";
                    errors.Add(PolicyPath.Root.Property("releaseTypes").Property(type.ToString()).Property("requiredDocuments").Index(i),
                        $"'{required[i]}' is not a document of this policy ({known}).");
                }
            }
        }
    }
}
