using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Approvals.Tests;

public sealed class ReleaseTemplateFieldsTests
{
    [Fact]
    public void For_Release_GivesEveryFieldAsTheTemplatesShowIt()
    {
        var release = new ReleaseRequest("2026.12.0", "December <release>", ReleaseType.Minor, ["Billing", "Ledger"], new DateOnly(2026, 12, 5), "rm@example.com");

        var fields = ReleaseTemplateFields.For(release);

        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["releaseTitle"] = "December <release>",
                ["releaseId"] = "2026.12.0",
                ["releaseType"] = "Minor",
                ["systems"] = "Billing, Ledger",
                ["targetDate"] = "2026-12-05",
                ["requestedBy"] = "rm@example.com",
            },
            fields);
    }

    [Fact]
    public void For_NoRequester_SaysNotGiven()
    {
        var release = new ReleaseRequest("r-1", "T", ReleaseType.Hotfix, ["Billing"], new DateOnly(2026, 12, 5));

        Assert.Equal(ReleaseTemplateFields.NotGiven, ReleaseTemplateFields.For(release)["requestedBy"]);
    }

    [Fact]
    public void For_EachCall_IsANewDictionaryACallerMayExtend()
    {
        var release = new ReleaseRequest("r-1", "T", ReleaseType.Patch, ["Billing"], new DateOnly(2026, 12, 5));

        var first = ReleaseTemplateFields.For(release);
        first["stage"] = "Release plan";

        Assert.False(ReleaseTemplateFields.For(release).ContainsKey("stage"));
    }
}
