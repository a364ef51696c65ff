using System.Text.RegularExpressions;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Events;

/// <summary>
/// Ties an event to a release: an explicit id first, then the configured conventions in order: branch
/// <c>release/&lt;id&gt;</c>, tag <c>release/&lt;id&gt;</c>, artifact version. A candidate that is not a valid release id is
/// skipped. Pure: the same hints always give the same release.
/// </summary>
public sealed class ReleaseCorrelator
{
    private readonly CorrelationOptions _options;
    private readonly Regex? _version;

    public ReleaseCorrelator(CorrelationOptions options)
    {
        _options = options;
        _version = string.IsNullOrEmpty(options.VersionPattern)
            ? null
            : new Regex(options.VersionPattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    /// <summary>
    /// The accepted canonical event of a delivery: correlated to its release (the rule used is recorded as the
    /// <see cref="EventAttributes.Correlation"/> attribute) and keyed by the source's own delivery id.
    /// </summary>
    internal NormalizationResult Accept(
        string source, string deliveryId, string type, CanonicalEventType canonical, DateTimeOffset at, CorrelationHints hints,
        string? system, string? environment, string? outcome, AttributeBag attributes)
    {
        var (releaseId, rule) = Correlate(hints);
        attributes.Add(EventAttributes.Correlation, rule);
        var evt = new CanonicalEvent(
            EventSources.EventId(source, deliveryId), source, canonical, at, releaseId, system, environment, outcome, attributes.Build());
        return NormalizationResult.Accept(deliveryId, type, evt);
    }

    public (string? ReleaseId, string Rule) Correlate(CorrelationHints hints)
    {
        if (Valid(hints.ExplicitReleaseId?.Trim()) is { } id)
        {
            return (id, CorrelationRules.Explicit);
        }

        if (!string.IsNullOrEmpty(_options.BranchPrefix))
        {
            foreach (var branch in hints.Branches ?? [])
            {
                if (Strip(branch, "refs/heads/", _options.BranchPrefix) is { } fromBranch)
                {
                    return (fromBranch, CorrelationRules.Branch);
                }
            }
        }

        if (!string.IsNullOrEmpty(_options.TagPrefix) && Strip(hints.Tag, "refs/tags/", _options.TagPrefix) is { } fromTag)
        {
            return (fromTag, CorrelationRules.Tag);
        }

        if (_version is not null && !string.IsNullOrWhiteSpace(hints.Version))
        {
            var match = _version.Match(hints.Version.Trim());
            if (match.Success && Valid(match.Groups["release"].Value) is { } fromVersion)
            {
                return (fromVersion, CorrelationRules.Version);
            }
        }

        return (null, CorrelationRules.None);
    }

    private static string? Strip(string? name, string refPrefix, string prefix)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var value = name.Trim();
        if (value.StartsWith(refPrefix, StringComparison.Ordinal))
        {
            value = value[refPrefix.Length..];
        }

        return value.StartsWith(prefix, StringComparison.Ordinal) ? Valid(value[prefix.Length..]) : null;
    }

    private static string? Valid(string? id) => ReleaseIds.IsValid(id) ? id : null;
}
