using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace ReleaseManagement.Approvals.Tests.Infrastructure;

/// <summary>Reads what arrived at the smtp4dev server through its REST API.</summary>
public sealed class Smtp4Dev : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = TestEnvironment.SmtpApi, Timeout = TimeSpan.FromSeconds(30) };
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Text, string Html)> _bodies = new(StringComparer.Ordinal);

    public sealed record Summary(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("to")] string[] To,
        [property: JsonPropertyName("subject")] string Subject);

    private sealed record Page([property: JsonPropertyName("results")] Summary[] Results);

    public sealed record Message(Summary Summary, string Text, string Html);

    public async Task<IReadOnlyList<Summary>> ListAsync(CancellationToken ct = default)
    {
        var page = await _http.GetFromJsonAsync<Page>("/api/messages?pageSize=1000", ct);
        return page?.Results ?? [];
    }

    /// <summary>The messages that match so far, with their bodies (bodies are fetched once per message).</summary>
    public async Task<IReadOnlyList<Message>> ListWithBodiesAsync(Func<Summary, bool> match, CancellationToken ct = default)
    {
        var messages = new List<Message>();
        foreach (var s in (await ListAsync(ct)).Where(match))
        {
            if (!_bodies.TryGetValue(s.Id, out var bodies))
            {
                bodies = (await _http.GetStringAsync($"/api/messages/{s.Id}/plaintext", ct), await _http.GetStringAsync($"/api/messages/{s.Id}/html", ct));
                _bodies[s.Id] = bodies;
            }

            messages.Add(new Message(s, bodies.Text, bodies.Html));
        }

        return messages;
    }

    /// <summary>The whole message as received (MIME), with its attachments.</summary>
    public async Task<MimeKit.MimeMessage> DownloadAsync(string id, CancellationToken ct = default)
    {
        await using var raw = await _http.GetStreamAsync($"/api/messages/{id}/download", ct);
        return await MimeKit.MimeMessage.LoadAsync(raw, ct);
    }

    public void Dispose() => _http.Dispose();
}
