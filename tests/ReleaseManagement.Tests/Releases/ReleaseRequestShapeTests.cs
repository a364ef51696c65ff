using ReleaseManagement.Releases;

namespace ReleaseManagement.Tests.Releases;

public class ReleaseRequestShapeTests
{
    private static readonly DateOnly Today = new(2026, 11, 27);

    private static ReleaseRequestBody Valid() => new()
    {
        Id = "2026.12.0",
        Title = "December release",
        Type = "Minor",
        Systems = ["Billing"],
        TargetDate = "2026-12-15",
        RequestedBy = "rm@example.com",
    };

    [Fact]
    public void Validate_CompleteRequest_ReturnsTheRequest()
    {
        var result = ReleaseRequestShape.Validate(Valid(), Today);

        Assert.True(result.IsValid);
        Assert.Empty(result.Errors);
        var r = result.Value!;
        Assert.Equal("2026.12.0", r.Id);
        Assert.Equal("December release", r.Title);
        Assert.Equal(ReleaseType.Minor, r.Type);
        Assert.Equal(["Billing"], r.Systems);
        Assert.Equal(new DateOnly(2026, 12, 15), r.TargetDate);
        Assert.Equal("rm@example.com", r.RequestedBy);
    }

    [Fact]
    public void Validate_NullBody_ReportsBody()
    {
        var result = ReleaseRequestShape.Validate(null, Today);

        Assert.False(result.IsValid);
        Assert.Contains("body", result.Errors.Keys);
    }

    [Fact]
    public void Validate_EmptyBody_ReportsEveryRequiredField()
    {
        var result = ReleaseRequestShape.Validate(new ReleaseRequestBody(), Today);

        Assert.False(result.IsValid);
        Assert.Equal(["id", "systems", "targetDate", "title", "type"], result.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("bad id")]
    [InlineData("release/1")]
    [InlineData("-leading-dash")]
    [InlineData(".hidden")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\\b")]
    public void Validate_UnsafeId_IsRefused(string id)
    {
        var body = Valid();
        body = body with { Id = id };

        var result = ReleaseRequestShape.Validate(body, Today);

        Assert.Equal(["id"], result.Errors.Keys);
    }

    [Fact]
    public void Validate_IdOfMaximumLength_IsAcceptedAndOneLongerIsRefused()
    {
        var body = Valid();
        body = body with { Id = new string('a', ReleaseIds.MaxLength) };
        Assert.True(ReleaseRequestShape.Validate(body, Today).IsValid);

        body = body with { Id = new string('a', ReleaseIds.MaxLength + 1) };
        Assert.Equal(["id"], ReleaseRequestShape.Validate(body, Today).Errors.Keys);
    }

    [Theory]
    [InlineData("major", ReleaseType.Major)]
    [InlineData("MINOR", ReleaseType.Minor)]
    [InlineData(" Patch ", ReleaseType.Patch)]
    [InlineData("Hotfix", ReleaseType.Hotfix)]
    public void Validate_TypeInAnyCase_IsParsed(string type, ReleaseType expected)
    {
        var body = Valid();
        body = body with { Type = type };

        Assert.Equal(expected, ReleaseRequestShape.Validate(body, Today).Value!.Type);
    }

    [Theory]
    [InlineData("Huge")]
    [InlineData("1")]
    [InlineData("0")]
    public void Validate_UnknownOrNumericType_IsRefused(string type)
    {
        var body = Valid();
        body = body with { Type = type };

        var result = ReleaseRequestShape.Validate(body, Today);

        Assert.Equal(["type"], result.Errors.Keys);
        Assert.Contains("Major, Minor, Patch, Hotfix", result.Errors["type"][0]);
    }

    [Fact]
    public void Validate_TitleTooLong_IsRefused()
    {
        var body = Valid();
        body = body with { Title = new string('t', ReleaseRequestShape.MaxTitleLength + 1) };

        Assert.Equal(["title"], ReleaseRequestShape.Validate(body, Today).Errors.Keys);
    }

    [Fact]
    public void Validate_BlankAndDuplicateSystems_AreReportedByIndex()
    {
        var body = Valid();
        body = body with { Systems = ["Billing", " ", "billing", null] };

        var result = ReleaseRequestShape.Validate(body, Today);

        Assert.Equal(["systems[1]", "systems[2]", "systems[3]"], result.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("named twice", result.Errors["systems[2]"][0]);
    }

    [Fact]
    public void Validate_TooManySystems_IsRefused()
    {
        var body = Valid();
        body = body with { Systems = Enumerable.Range(0, ReleaseRequestShape.MaxSystems + 1).Select(i => (string?)$"S{i}").ToList() };

        Assert.Equal(["systems"], ReleaseRequestShape.Validate(body, Today).Errors.Keys);
    }

    [Theory]
    [InlineData("15/12/2026")]
    [InlineData("2026-13-01")]
    [InlineData("2026-12-15T10:00:00Z")]
    [InlineData("tomorrow")]
    public void Validate_MalformedTargetDate_IsRefused(string date)
    {
        var body = Valid();
        body = body with { TargetDate = date };

        Assert.Equal(["targetDate"], ReleaseRequestShape.Validate(body, Today).Errors.Keys);
    }

    [Fact]
    public void Validate_TargetDateInThePast_IsRefusedAndTodayIsAccepted()
    {
        var body = Valid();
        body = body with { TargetDate = "2026-11-26" };
        var past = ReleaseRequestShape.Validate(body, Today);
        Assert.Contains("in the past", past.Errors["targetDate"][0]);

        body = body with { TargetDate = "2026-11-27" };
        Assert.True(ReleaseRequestShape.Validate(body, Today).IsValid);
    }

    [Fact]
    public void Validate_TitleAndRequesterAreTrimmed_AndBlankRequesterBecomesNull()
    {
        var body = Valid();
        body = body with { Title = "  Spaced  " };
        body = body with { RequestedBy = "   " };

        var r = ReleaseRequestShape.Validate(body, Today).Value!;

        Assert.Equal("Spaced", r.Title);
        Assert.Null(r.RequestedBy);
    }
}
