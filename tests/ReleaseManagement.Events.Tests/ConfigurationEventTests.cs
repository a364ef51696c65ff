using System.Text;
using ReleaseManagement.Events;

namespace ReleaseManagement.Events.Tests;

/// <summary>An environment's configuration reported through the CDEvents gate-evidence extension (issue 13, point 2).</summary>
public sealed class ConfigurationEventTests
{
    private static readonly PipelineEventNormalizer Normalizer = new(new ReleaseCorrelator(new CorrelationOptions()));

    [Fact]
    public void CDEvents_GateEvidenceWithSettings_CarriesEachSettingAndTheEnvironment()
    {
        var body = Encoding.UTF8.GetBytes("""
            {
              "specversion": "1.0", "id": "c1", "source": "/ci/acme", "type": "dev.cdeventsx.releasefunctions-gate.evidence.0.1.0",
              "time": "2027-01-05T10:00:00Z", "datacontenttype": "application/json",
              "data": {
                "context": { "specversion": "0.4.1", "id": "c1", "source": "/ci/acme", "type": "dev.cdeventsx.releasefunctions-gate.evidence.0.1.0", "timestamp": "2027-01-05T10:00:00Z" },
                "subject": { "id": "cfg-1", "source": "/ci/acme", "type": "releasefunctions-gate",
                  "content": { "item": "environment-configuration", "environment": { "id": "production" },
                               "settings": { "databaseServer": "prod-db-server", "tlsRequired": true } } },
                "customData": { "releaseId": "2027.01.0" }
              }
            }
            """);

        var e = Normalizer.Normalize(new InboundDelivery(EventSources.CDEvents, body, DateTimeOffset.UtcNow)).Event!;

        Assert.Equal(CanonicalEventType.GateEvidence, e.Type);
        Assert.Equal(CanonicalValues.Production, e.Environment);
        Assert.Equal("environment-configuration", e.Attribute(EventAttributes.GateItem));
        Assert.Equal("prod-db-server", e.Attribute(EventAttributes.SettingPrefix + "databaseServer"));
        Assert.Equal("true", e.Attribute(EventAttributes.SettingPrefix + "tlsRequired"));
    }
}
