using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Approvals;
using ReleaseManagement.Feedback;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Feedback;

/// <summary>
/// A reader's feedback link, <c>{PublicBaseUrl}/api/feedback/{token}</c>. The token is the HMAC of the
/// release, the notice and the reader under <c>Approvals__FormKey</c> (a purpose of its own): the same link every time a
/// send is retried, none guessable without the key. Only its SHA-256 hash is stored (<see cref="ApprovalTokens.Hash"/>),
/// as for approval links; the form on its page carries a second HMAC bound to that hash (<see cref="FormValue"/>).
/// </summary>
public sealed class FeedbackLinks(IOptions<ApprovalOptions> options, IFeedbackStore store) : IFeedbackLinks
{
    private const string TokenPurpose = "feedback-link|";
    private const string FormPurpose = "feedback-form|";

    public async Task<string> LinkAsync(string releaseId, string noticeId, string recipient, DateTimeOffset sentAt, CancellationToken cancellationToken = default)
    {
        var reader = recipient.Trim().ToLowerInvariant();
        var token = ApprovalTokens.Base64Url(Mac($"{TokenPurpose}{releaseId}|{noticeId}|{reader}"));
        await store.AddAsync(new FeedbackLink(releaseId, ApprovalTokens.Hash(token), reader, noticeId, sentAt), cancellationToken);
        return $"{options.Value.PublicBaseUrl.TrimEnd('/')}/{ApiRoutes.Prefix}/feedback/{token}";
    }

    /// <summary>The anti-forgery value of the form on the page of the link whose token hashes to <paramref name="tokenHash"/>.</summary>
    public string FormValue(string tokenHash) => ApprovalTokens.Base64Url(Mac(FormPurpose + tokenHash));

    public bool IsValidFormValue(string tokenHash, string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= 100
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(FormValue(tokenHash)), Encoding.ASCII.GetBytes(value));

    private byte[] Mac(string text) => HMACSHA256.HashData(options.Value.FormKeyBytes(), Encoding.UTF8.GetBytes(text));
}
