using ReleaseManagement.Api.Dashboard;

namespace ReleaseManagement.Dashboard.Tests;

public sealed class DisplayFormatTests
{
    [Theory]
    [InlineData("gate:development", "Development gate")]
    [InlineData("gate:production", "Production gate")]
    [InlineData("promotion:staging", "Promotion to Staging")]
    [InlineData("deploy:production", "Deployment to Production")]
    [InlineData("rollback:integration", "Rollback of Integration")]
    [InlineData("plan", "Plan approval")]
    [InlineData("emergency", "Emergency approval")]
    [InlineData("milestones", "Development milestones")]
    [InlineData("window", "Production window")]
    [InlineData("success-criteria", "Success criteria")]
    [InlineData("watch", "Watch")]
    [InlineData(null, "—")]
    public void StageName_StageKey_IsWrittenAsPeopleSayIt(string? stage, string expected) =>
        Assert.Equal(expected, DisplayFormat.StageName(stage));

    [Theory]
    [InlineData("plan", "Plan approval")]
    [InlineData("promotion:production", "Production promotion approval")]
    [InlineData("emergency", "Emergency approval")]
    public void ApprovalName_StageKey_NamesTheApproval(string stage, string expected) =>
        Assert.Equal(expected, DisplayFormat.ApprovalName(stage));

    [Theory]
    [InlineData("Gate gate:development: Pending.", "Development gate: Pending.")]
    [InlineData("Gate gate:staging: Passed.", "Staging gate: Passed.")]
    [InlineData("Waiting in promotion:staging for integration-tests.", "Waiting in Promotion to Staging for integration-tests.")]
    [InlineData("Milestone feature-complete reached.", "Milestone feature-complete reached.")]
    [InlineData("plan: Approved by po@example.com, lead@example.com.", "Plan approval: Approved by po@example.com, lead@example.com.")]
    [InlineData("Planning: risk Medium.", "Planning: risk Medium.")]
    [InlineData("Promotion Development → Integration: waiting for release-candidate.", "Promotion Development → Integration: waiting for release-candidate.")]
    public void Message_StageKeysInALine_AreWrittenAsPeopleSayThem(string line, string expected) =>
        Assert.Equal(expected, DisplayFormat.Message(line));
}
