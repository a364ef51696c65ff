using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ReleaseManagement.Events;

namespace ReleaseFunctions.TestSupport;

/// <summary>Pipeline deliveries as a CDEvents sender makes them, for tests that drive a release over HTTP.</summary>
public static class SignedCDEvents
{
    public const string WebhookPath = "/api/webhooks/cdevents";

    /// <summary>
    /// A <c>service.deployed</c> (or, <paramref name="rolledBack"/>, <c>service.rolledback</c>) naming <paramref name="step"/> when given, of <paramref name="system"/> <paramref name="version"/> to <paramref name="environment"/>
    /// for the release, signed with <paramref name="secret"/> at <paramref name="now"/> (second precision, as the
    /// signature's timestamp), posted to <see cref="WebhookPath"/>. A sender resending a delivery passes its
    /// <paramref name="eventId"/> again; a new one otherwise.
    /// </summary>
    public static HttpRequestMessage Deployed(
        string releaseId, string environment, string secret, DateTimeOffset now, string system = "Billing", string version = "1.0.1",
        string? eventId = null, string? step = null, bool rolledBack = false, string outcome = "success")
    {
        var type = rolledBack ? "dev.cdevents.service.rolledback.0.2.0" : "dev.cdevents.service.deployed.0.2.0";
        var custom = new Dictionary<string, object> { ["releaseId"] = releaseId, ["version"] = version };
        if (step is not null)
        {
            custom["step"] = step;
        }

        if (outcome != "success")
        {
            custom["outcome"] = outcome;
        }

        eventId ??= Guid.NewGuid().ToString();
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["specversion"] = "1.0",
            ["id"] = eventId,
            ["source"] = "/deployer",
            ["type"] = type,
            ["datacontenttype"] = "application/json",
            ["data"] = new
            {
                context = new { specversion = "0.4.1", id = eventId, source = "/deployer", type, timestamp = now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) },
                subject = new
                {
                    id = system,
                    source = "/deployer",
                    type = "service",
                    content = new { environment = new { id = environment, source = "/k8s/" + environment }, artifactId = $"pkg:generic/{system.ToLowerInvariant()}@{version}" },
                },
                customData = custom,
            },
        }));
        var request = new HttpRequestMessage(HttpMethod.Post, WebhookPath) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
        request.Headers.Add(CDEventsSignature.Header, CDEventsSignature.Sign(body, now.ToUnixTimeSeconds(), secret));
        request.Headers.Add(CDEventsSignature.TimestampHeader, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        return request;
    }
}
