using ReleaseManagement.Releases;

namespace ReleaseManagement.Tests.Releases;

public class EmailAddressesTests
{
    [Theory]
    [InlineData("ann@example.com")]
    [InlineData("first.last+tag@sub.example.co.uk")]
    [InlineData("o'brien_2@example.org")]
    [InlineData("ann@localhost")]
    public void IsValid_BareAddress_IsTrue(string value) => Assert.True(EmailAddresses.IsValid(value));

    [Theory]
    [InlineData("jürgen@exämple.de")]
    [InlineData("用户@例子.广告")]
    [InlineData("δοκιμή@παράδειγμα.δοκιμή")]
    public void IsValid_InternationalizedAddress_IsTrue(string value) => Assert.True(EmailAddresses.IsValid(value));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ann")]
    [InlineData("@example.com")]
    [InlineData("ann@")]
    [InlineData("ann@@example.com")]
    [InlineData("ann@bob@example.com")]
    [InlineData("ann.@example.com")]
    [InlineData("ann..b@example.com")]
    [InlineData("ann@example..com")]
    [InlineData("ann@example.com, bob@example.com")]
    [InlineData("ann@example.com;bob@example.com")]
    [InlineData("ann(comment)@example.com")]
    public void IsValid_NotAnAddress_IsFalse(string? value) => Assert.False(EmailAddresses.IsValid(value));

    [Theory]
    [InlineData("Ann <ann@example.com>")]
    [InlineData("<ann@example.com>")]
    [InlineData("\"Ann\" <ann@example.com>")]
    [InlineData("Jürgen <jürgen@example.de>")]
    public void IsValid_WithDisplayNameOrBrackets_IsFalse(string value) => Assert.False(EmailAddresses.IsValid(value));

    [Theory]
    [InlineData(" ann@example.com")]
    [InlineData("ann@example.com ")]
    [InlineData("ann @example.com")]
    [InlineData("ann@exa mple.com")]
    [InlineData("ann@example.com\n")]
    [InlineData("ann\t@example.com")]
    [InlineData("ann\u00a0@example.com")]
    public void IsValid_WithWhitespace_IsFalse(string value) => Assert.False(EmailAddresses.IsValid(value));

    [Fact]
    public void IsValid_LongerThanMaxLength_IsFalse()
    {
        var atLimit = new string('a', 64) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 3)) + "." + new string('c', 6);
        var longer = atLimit + "c";

        Assert.Equal(EmailAddresses.MaxLength, atLimit.Length);
        Assert.True(EmailAddresses.IsValid(atLimit));
        Assert.False(EmailAddresses.IsValid(longer));
    }
}
