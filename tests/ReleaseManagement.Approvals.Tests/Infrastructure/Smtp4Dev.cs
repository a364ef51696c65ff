using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace ReleaseManagement.Approvals.Tests.Infrastructure;

/// <summary>Reads what arrived at the smtp4dev server through its REST API.</summary>
public sealed class Smtp4Dev : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = TestEnvironment.SmtpApi, Timeout = TimeSpan.FromSeconds(30) };

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

    /// <summary>Waits (polling, with a deadline) until <paramref name="count"/> messages match, and returns them with their bodies.</summary>
    public async Task<IReadOnlyList<Message>> WaitForAsync(Func<Summary, bool> match, int count, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var found = (await ListAsync(ct)).Where(match).ToList();
            if (found.Count >= count)
            {
                var messages = new List<Message>();
                foreach (var s in found)
                {
                    messages.Add(new Message(
                        s,
                        await _http.GetStringAsync($"/api/messages/{s.Id}/plaintext", ct),
                        await _http.GetStringAsync($"/api/messages/{s.Id}/html", ct)));
                }

                return messages;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Expected {count} matching messages at smtp4dev, found {found.Count}.");
            }

            await Task.Delay(100, ct);
        }
    }

    public void Dispose() => _http.Dispose();
}
