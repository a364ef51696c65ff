using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Releases;

/// <summary>
/// Validation of a rollback request: the person, a reason and, optionally, the environment to roll back (one the release
/// deploys to: integration, staging or production), every problem reported. Whether that person is a release manager of
/// the release, and whether anything is deployed there, is checked later against the release.
/// </summary>
public static class RollbackRequestValidator
{
    /// <summary>The environments a rollback may name (the release deploys to these; development is not its own).</summary>
    public static readonly IReadOnlyList<DeploymentEnvironment> Environments =
        [DeploymentEnvironment.Integration, DeploymentEnvironment.Staging, DeploymentEnvironment.Production];

    /// <param name="now">When the request was made: the rollback request's time.</param>
    public static ValidationResult<RollbackRequest> Validate(RollbackBody? body, DateTimeOffset now)
    {
        if (body is null)
        {
            return RequestFields.NoBody<RollbackRequest>();
        }

        var errors = new ValidationErrors();
        var by = RequestFields.Person(body.By, "by", errors);
        var reason = RequestFields.Required(body.Reason, "reason", "The reason is required.", RequestFields.MaxReasonLength, errors);
        DeploymentEnvironment? environment = null;
        if (body.Environment is { } text)
        {
            var match = Environments.Where(e => string.Equals(e.ToString(), text.Trim(), StringComparison.OrdinalIgnoreCase)).ToArray();
            if (match.Length == 1)
            {
                environment = match[0];
            }
            else
            {
                errors.Add("environment", $"'{text}' is not an environment a release is rolled back in: use one of {string.Join(", ", Environments.Select(e => e.ToString().ToLowerInvariant()))}.");
            }
        }

        return errors.Any
            ? ValidationResult<RollbackRequest>.Failure(errors.ToDictionary())
            : ValidationResult<RollbackRequest>.Success(new RollbackRequest(reason!, by!, now, environment));
    }
}
