using MimeKit;

namespace ReleaseManagement.Releases;

/// <summary>
/// The one rule for an email address, wherever one is accepted: the policy's approvers, a release request's requester and
/// approvers, the person acting on a running release, a decision's approver, an approval email's recipient. An address is
/// a bare RFC 5322 addr-spec (<c>local@domain</c>, internationalized addresses allowed) as MimeKit's strict parser reads
/// it: no display name (<c>Ann &lt;ann@example.com&gt;</c>), no comments, no whitespace, a domain, at most
/// <see cref="MaxLength"/> characters. Callers trim surrounding whitespace first where they accept it.
/// </summary>
public static class EmailAddresses
{
    /// <summary>The longest address SMTP carries (RFC 5321 path limit less the angle brackets).</summary>
    public const int MaxLength = 254;

    private static readonly ParserOptions Strict = new()
    {
        AddressParserComplianceMode = RfcComplianceMode.Strict,
        AllowAddressesWithoutDomain = false,
        AllowUnquotedCommasInAddresses = false,
    };

    public static bool IsValid(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength || value.Any(char.IsWhiteSpace) || value.Any(char.IsControl))
        {
            return false;
        }

        // Parsed as a mailbox, the address must read back exactly as given: anything MimeKit takes as a display name,
        // a route or a comment makes it something other than a bare address.
        return MailboxAddress.TryParse(Strict, value, out var mailbox)
            && string.IsNullOrEmpty(mailbox.Name)
            && mailbox.Route.Count == 0
            && string.Equals(mailbox.Address, value, StringComparison.Ordinal)
            && mailbox.LocalPart.Length > 0
            && mailbox.Domain.Length > 0;
    }
}
