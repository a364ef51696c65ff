using System.Text;
using ReleaseManagement.Events;

namespace ReleaseManagement.Events.Tests;

public sealed class SignatureTests
{
    private static readonly DateTimeOffset Now = new(2025, 7, 10, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void GitHub_DocumentedTestVector_IsValid()
    {
        // The example in GitHub's "Validating webhook deliveries" documentation.
        var body = Encoding.UTF8.GetBytes("Hello, World!");
        const string header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

        Assert.Equal(SignatureCheck.Valid, GitHubSignature.Verify(body, header, ["It's a Secret to Everybody"]));
        Assert.Equal(header, GitHubSignature.Sign(body, "It's a Secret to Everybody"));
    }

    [Fact]
    public void GitHub_SignedWithRotatedSecret_IsValid()
    {
        var body = Fixture.Bytes("github/workflow_run.completed.json");
        var header = GitHubSignature.Sign(body, Secrets.GitHubRotated);

        Assert.Equal(SignatureCheck.Valid, GitHubSignature.Verify(body, header, [Secrets.GitHub, Secrets.GitHubRotated]));
    }

    [Theory]
    [InlineData(null, SignatureCheck.Missing)]
    [InlineData("", SignatureCheck.Missing)]
    [InlineData("sha1=0123456789abcdef0123456789abcdef01234567", SignatureCheck.Invalid)]
    [InlineData("sha256=nothex", SignatureCheck.Invalid)]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000", SignatureCheck.Invalid)]
    public void GitHub_BadHeader_IsRefused(string? header, SignatureCheck expected)
    {
        Assert.Equal(expected, GitHubSignature.Verify(Encoding.UTF8.GetBytes("{}"), header, [Secrets.GitHub]));
    }

    [Fact]
    public void GitHub_BodyChangedAfterSigning_IsInvalid()
    {
        var body = Fixture.Bytes("github/workflow_run.completed.json");
        var header = GitHubSignature.Sign(body, Secrets.GitHub);
        body[^3] ^= 1;

        Assert.Equal(SignatureCheck.Invalid, GitHubSignature.Verify(body, header, [Secrets.GitHub]));
    }

    [Fact]
    public void GitHub_NoSecretConfigured_IsNotConfigured()
    {
        var body = Encoding.UTF8.GetBytes("{}");
        Assert.Equal(SignatureCheck.NotConfigured, GitHubSignature.Verify(body, GitHubSignature.Sign(body, Secrets.GitHub), []));
    }

    [Fact]
    public void CDEvents_FreshSignature_IsValidWithEitherSecret()
    {
        var body = Fixture.Bytes("cdevents/pipelinerun-finished.json");
        var ts = Now.AddSeconds(-30).ToUnixTimeSeconds();
        foreach (var secret in new[] { Secrets.CDEvents, Secrets.CDEventsRotated })
        {
            var signature = CDEventsSignature.Sign(body, ts, secret);
            Assert.Equal(SignatureCheck.Valid, CDEventsSignature.Verify(body, signature, ts.ToString(), [Secrets.CDEvents, Secrets.CDEventsRotated], Now, TimeSpan.FromMinutes(5)));
        }
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-86400)]
    public void CDEvents_TimestampOutsideWindow_IsStale(int offsetSeconds)
    {
        var body = Fixture.Bytes("cdevents/pipelinerun-finished.json");
        var ts = Now.AddSeconds(offsetSeconds).ToUnixTimeSeconds();

        var check = CDEventsSignature.Verify(body, CDEventsSignature.Sign(body, ts, Secrets.CDEvents), ts.ToString(), [Secrets.CDEvents], Now, TimeSpan.FromMinutes(5));

        Assert.Equal(SignatureCheck.Stale, check);
    }

    [Fact]
    public void CDEvents_TimestampChangedToReplay_IsInvalid()
    {
        // A replay with a fresh timestamp header but the old signature: the timestamp is signed, so it fails.
        var body = Fixture.Bytes("cdevents/pipelinerun-finished.json");
        var old = Now.AddHours(-1).ToUnixTimeSeconds();
        var signature = CDEventsSignature.Sign(body, old, Secrets.CDEvents);

        var check = CDEventsSignature.Verify(body, signature, Now.ToUnixTimeSeconds().ToString(), [Secrets.CDEvents], Now, TimeSpan.FromMinutes(5));

        Assert.Equal(SignatureCheck.Invalid, check);
    }

    [Theory]
    [InlineData(null, "1752148800")]
    [InlineData("abc", null)]
    public void CDEvents_MissingHeaders_AreMissing(string? signature, string? timestamp)
    {
        Assert.Equal(SignatureCheck.Missing, CDEventsSignature.Verify("{}"u8, signature, timestamp, [Secrets.CDEvents], Now, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void CDEvents_NonNumericTimestamp_IsInvalid()
    {
        var body = "{}"u8.ToArray();
        Assert.Equal(SignatureCheck.Invalid, CDEventsSignature.Verify(body, CDEventsSignature.Sign(body, 1, Secrets.CDEvents), "1e9", [Secrets.CDEvents], Now, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void AzureDevOps_CredentialsAndHeader_AreValidWithRotatedPassword()
    {
        var options = Options();
        Assert.Equal(SignatureCheck.Valid, AzureDevOpsCredentials.Verify(AzureDevOpsCredentials.BasicHeader(Secrets.AdoUser, Secrets.AdoPassword), Secrets.AdoHeader, options));
        Assert.Equal(SignatureCheck.Valid, AzureDevOpsCredentials.Verify(AzureDevOpsCredentials.BasicHeader(Secrets.AdoUser, Secrets.AdoPasswordRotated), Secrets.AdoHeader, options));
    }

    [Theory]
    [InlineData("ado-hooks", "wrong-password-0123456789", Secrets.AdoHeader)]
    [InlineData("someone", Secrets.AdoPassword, Secrets.AdoHeader)]
    [InlineData("ado-hooks", Secrets.AdoPassword, "wrong-header-value-0123456")]
    public void AzureDevOps_AnyPartWrong_IsInvalid(string user, string password, string header)
    {
        Assert.Equal(SignatureCheck.Invalid, AzureDevOpsCredentials.Verify(AzureDevOpsCredentials.BasicHeader(user, password), header, Options()));
    }

    [Fact]
    public void AzureDevOps_NoHeaderOrNoCredentials_IsMissing()
    {
        Assert.Equal(SignatureCheck.Missing, AzureDevOpsCredentials.Verify(null, Secrets.AdoHeader, Options()));
        Assert.Equal(SignatureCheck.Missing, AzureDevOpsCredentials.Verify(AzureDevOpsCredentials.BasicHeader(Secrets.AdoUser, Secrets.AdoPassword), null, Options()));
        Assert.Equal(SignatureCheck.Invalid, AzureDevOpsCredentials.Verify("Bearer abc", Secrets.AdoHeader, Options()));
    }

    [Fact]
    public void NamedSecrets_EachScheme_TellsWhichSecretMatched_AndNoneWhenInvalid()
    {
        var secrets = new Dictionary<string, string> { ["0"] = Secrets.CDEvents, ["ci"] = "ci-pipeline-secret-00000001", ["deploy"] = "deploy-pipeline-secret-00001" };
        var body = Fixture.Bytes("cdevents/testsuiterun-finished.json");
        var ts = Now.ToUnixTimeSeconds();

        Assert.Equal(SignatureCheck.Valid, GitHubSignature.Verify(body, GitHubSignature.Sign(body, "ci-pipeline-secret-00000001"), secrets, out var github));
        Assert.Equal("ci", github);
        Assert.Equal(SignatureCheck.Valid, CDEventsSignature.Verify(body, CDEventsSignature.Sign(body, ts, Secrets.CDEvents), ts.ToString(), secrets, Now, TimeSpan.FromMinutes(5), out var cdevents));
        Assert.Equal("0", cdevents);
        var ado = Options();
        ado.Secrets["deploy"] = "deploy-pipeline-secret-00001";
        Assert.Equal(SignatureCheck.Valid, AzureDevOpsCredentials.Verify(AzureDevOpsCredentials.BasicHeader(Secrets.AdoUser, "deploy-pipeline-secret-00001"), Secrets.AdoHeader, ado, out var azure));
        Assert.Equal("deploy", azure);
        Assert.Equal(SignatureCheck.Invalid, GitHubSignature.Verify(body, GitHubSignature.Sign(body, "another-secret-0123456789"), secrets, out var none));
        Assert.Null(none);
        Assert.Equal(SignatureCheck.Stale, CDEventsSignature.Verify(body, CDEventsSignature.Sign(body, ts - 600, "ci-pipeline-secret-00000001"), (ts - 600).ToString(), secrets, Now, TimeSpan.FromMinutes(5), out var stale));
        Assert.Null(stale);
    }

    private static AzureDevOpsWebhookOptions Options() => new()
    {
        Username = Secrets.AdoUser,
        Secrets = new() { ["0"] = Secrets.AdoPassword, ["1"] = Secrets.AdoPasswordRotated },
        HeaderValues = [Secrets.AdoHeader],
    };
}
