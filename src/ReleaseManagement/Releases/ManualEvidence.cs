using System.Globalization;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Releases;

/// <summary>
/// Validated manual input for a gate item: an attestation (<see cref="Approved"/>), a waiver (<see cref="Reason"/>) or
/// evidence (<see cref="Passed"/> and/or <see cref="Value"/>), given by <see cref="By"/>; <see cref="Kind"/> is one of
/// <see cref="EvidenceKinds"/> and fits <see cref="Item"/>.
/// </summary>
public sealed record ManualEvidence(
    GateItem Item, string Kind, string By, bool? Approved, bool? Passed, decimal? Value, string? Reason, string? Note)
{
    /// <summary>The environment the evidence is about (lower case), when given (<see cref="GateItem.Environment"/>).</summary>
    public string? Environment { get; init; }

    /// <summary>A reported configuration (kind <see cref="EvidenceKinds.Configuration"/>), secrets already hashed.</summary>
    public IReadOnlyDictionary<string, string>? Settings { get; init; }

    /// <summary>A document's link (kind <see cref="EvidenceKinds.Document"/>): an absolute http(s) URL (<see cref="ReleaseDocuments.IsLink"/>).</summary>
    public string? Url { get; init; }

    /// <summary>A document's title (kind <see cref="EvidenceKinds.Document"/>), optional.</summary>
    public string? Title { get; init; }

    /// <summary>
    /// The roles the signed-in person's claims grant under the release's policy (<c>access.roleClaims</c>), for an attestation
    /// or a waiver: written to the event (<see cref="EventAttributes.ClaimedRoles"/>) so the lifecycle judges it as the API did.
    /// Set by the API from the principal, never from the body.
    /// </summary>
    public IReadOnlyList<string> ClaimedRoles { get; init; } = [];

    /// <summary>Attestations and waivers are a named person's word (the signed-in user must be that person).</summary>
    public bool IsPersonsWord => Kind is EvidenceKinds.Attestation or EvidenceKinds.Waiver;

    /// <summary>The canonical gate-evidence event (source <c>api</c>) it is stored and raised as, like a pipeline's evidence.</summary>
    public CanonicalEvent ToEvent(string releaseId, string eventId, DateTimeOffset at)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal) { [EventAttributes.GateItem] = Item.Id };
        string? outcome = null;
        switch (Kind)
        {
            case EvidenceKinds.Attestation:
                attributes[EventAttributes.Attestation] = Approved ?? true ? "approved" : "rejected";
                attributes[EventAttributes.Approver] = By;
                break;
            case EvidenceKinds.Waiver:
                attributes[EventAttributes.Waiver] = Reason!;
                attributes[EventAttributes.Approver] = By;
                break;
            case EvidenceKinds.Configuration:
                foreach (var (name, setting) in Settings ?? new Dictionary<string, string>())
                {
                    attributes[EventAttributes.SettingPrefix + name] = setting;
                }

                break;
            case EvidenceKinds.Document:
                attributes[EventAttributes.Url] = Url!;
                if (Title is not null)
                {
                    attributes[EventAttributes.Title] = Title;
                }

                break;
            case EvidenceKinds.KnownIssue:
                attributes[EventAttributes.Title] = Title!;
                attributes[EventAttributes.Approver] = By;
                if (Url is not null)
                {
                    attributes[EventAttributes.Url] = Url;
                }

                break;
            default:
                outcome = Passed switch { true => EventOutcomes.Success, false => EventOutcomes.Failure, null => null };
                if (Value is { } value)
                {
                    attributes[EventAttributes.Value] = value.ToString(CultureInfo.InvariantCulture);
                }

                break;
        }

        if (IsPersonsWord && ClaimedRoles.Count > 0)
        {
            attributes[EventAttributes.ClaimedRoles] = string.Join(",", ClaimedRoles);
        }

        if (Note is not null)
        {
            attributes[EventAttributes.Note] = Note;
        }

        return new CanonicalEvent(eventId, EventSources.Api, CanonicalEventType.GateEvidence, at, releaseId, null, Environment, outcome, attributes);
    }
}
