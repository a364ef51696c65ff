using System.Text.Json;

namespace ReleaseFunctions.Tests.Support;

/// <summary>The messages smtp4dev (started by scripts/test.sh) received, read through its REST API.</summary>
public sealed class Smtp4DevMailbox : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = ApiUrl, Timeout = TimeSpan.FromSeconds(30) };

    public static int SmtpPort => int.Parse(Required("SMTP4DEV_SMTP_PORT"), System.Globalization.CultureInfo.InvariantCulture);

    public static Uri ApiUrl => new(Required("SMTP4DEV_API_URL"));

    /// <summary>One message as listed: its recipients and subject.</summary>
    public sealed record Mail(string To, string Subject);

    /// <summary>Every message whose subject names <paramref name="releaseId"/> (approval emails and notices both do).</summary>
    public async Task<IReadOnlyList<Mail>> OfAsync(string releaseId, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync("/api/messages?pageSize=5000", cancellationToken));
        return document.RootElement.GetProperty("results").EnumerateArray()
            .Select(m => new Mail(
                string.Join(",", m.GetProperty("to").EnumerateArray().Select(t => t.GetString()).Order(StringComparer.Ordinal)),
                m.GetProperty("subject").GetString() ?? ""))
            .Where(m => m.Subject.Contains(releaseId, StringComparison.Ordinal))
            .ToList();
    }

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run the tests with scripts/test.sh, which starts smtp4dev.");

    public void Dispose() => _http.Dispose();
}
