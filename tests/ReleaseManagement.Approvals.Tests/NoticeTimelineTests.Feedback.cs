using System.Net;
using System.Text.RegularExpressions;
using MimeKit;

namespace ReleaseManagement.Approvals.Tests;

/// <summary>Issue 27, point 1: the T+1 report's feedback links, answered over HTTP as a reader's browser would.</summary>
public sealed partial class NoticeTimelineTests
{
    [GeneratedRegex(@"https?://\S+/api/feedback/[A-Za-z0-9_-]{43}")]
    private static partial Regex FeedbackLink();

    [GeneratedRegex("name=\"form\" value=\"([^\"]+)\"")]
    private static partial Regex FormValue();

    /// <summary>
    /// Opening a link (HEAD, GET) records nothing; a forged form is refused; an answer is recorded once (a replay is 409);
    /// the release's satisfaction counts, averages and judges the answers against the policy's target (3.5 from at least
    /// 2 answers here: 4 and 2 are not met).
    /// </summary>
    private async Task FeedbackOverHttpAsync(HttpClient client, string id, IReadOnlyList<MimeMessage> reports)
    {
        var links = reports.Select(r => FeedbackLink().Match(r.TextBody ?? string.Empty).Value).ToArray();
        Assert.All(links, l => Assert.False(string.IsNullOrEmpty(l), "a report without its feedback link"));
        Assert.Equal(links.Length, links.Distinct(StringComparer.Ordinal).Count());
        Assert.All(reports, r => Assert.Contains("give your feedback</a>", r.HtmlBody, StringComparison.Ordinal));
        var (first, second) = (new Uri(links[0]).AbsolutePath, new Uri(links[1]).AbsolutePath);

        using (var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, first), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Contains("script-src 'none'", head.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        }

        var page = await client.GetStringAsync(first, Ct);
        Assert.Contains("How did release Certificate &lt;renewal&gt; go for you?", page, StringComparison.Ordinal);
        var asked = await GetAsync(client, $"/api/releases/{id}/feedback");
        Assert.Equal((reports.Count, 0, "not enough answers"), ((int)asked["asked"]!, (int)asked["responses"]!, (string?)asked["verdict"]));

        Assert.Equal(HttpStatusCode.BadRequest, await AnswerAsync(client, first, "forged-form-value", "5", null));
        Assert.Equal(HttpStatusCode.BadRequest, await AnswerAsync(client, first, FormValue().Match(page).Groups[1].Value, "6", null));
        Assert.Equal(HttpStatusCode.NotFound, await AnswerAsync(client, "/api/feedback/" + new string('A', 43), "x", "5", null));
        Assert.Equal(0, (int)(await GetAsync(client, $"/api/releases/{id}/feedback"))["responses"]!);

        Assert.Equal(HttpStatusCode.OK, await AnswerAsync(client, first, FormValue().Match(page).Groups[1].Value, "4", "Smooth <b>cut-over</b>"));
        Assert.Equal(HttpStatusCode.Conflict, await AnswerAsync(client, first, FormValue().Match(page).Groups[1].Value, "1", "changed my mind"));
        Assert.Contains("Already answered", await client.GetStringAsync(first, Ct), StringComparison.Ordinal);
        var secondPage = await client.GetStringAsync(second, Ct);
        Assert.Equal(HttpStatusCode.OK, await AnswerAsync(client, second, FormValue().Match(secondPage).Groups[1].Value, "2", null));

        var summary = await GetAsync(client, $"/api/releases/{id}/feedback");
        Assert.Equal((reports.Count, 2, 3m, "not met"), ((int)summary["asked"]!, (int)summary["responses"]!, (decimal)summary["mean"]!, (string?)summary["verdict"]));
        Assert.Equal([0, 1, 0, 1, 0], Enumerable.Range(1, 5).Select(r => (int)summary["distribution"]![r.ToString(System.Globalization.CultureInfo.InvariantCulture)]!));
        var comment = Assert.Single(summary["comments"]!.AsArray());
        Assert.Equal(("Smooth <b>cut-over</b>", 4), ((string?)comment!["comment"], (int)comment["rating"]!));
    }

    private static async Task<HttpStatusCode> AnswerAsync(HttpClient client, string path, string formValue, string rating, string? comment)
    {
        var fields = new Dictionary<string, string> { ["form"] = formValue, ["rating"] = rating };
        if (comment is not null)
        {
            fields["comment"] = comment;
        }

        using var response = await client.PostAsync(path, new FormUrlEncodedContent(fields), Ct);
        return response.StatusCode;
    }

    /// <summary>The <paramref name="count"/> messages about <paramref name="releaseId"/> whose subject starts with <paramref name="description"/>, once they are there.</summary>
    private async Task<IReadOnlyList<MimeMessage>> ArrivedEachAsync(string releaseId, string description, int count)
    {
        var found = await ReleaseFunctions.TestSupport.Eventually.UntilAsync(
            async () => (await _smtp.ListAsync(Ct)).Where(s => s.Subject.StartsWith($"[{releaseId}] {description}", StringComparison.Ordinal)).ToArray(),
            found => found.Length >= count,
            TimeSpan.FromSeconds(90),
            $"{count} x '{description}' for {releaseId}",
            found => $"{found.Length} arrived");
        Assert.Equal(count, found.Length);
        var messages = new List<MimeMessage>();
        foreach (var summary in found)
        {
            messages.Add(await _smtp.DownloadAsync(summary.Id, Ct));
        }

        return messages;
    }
}
