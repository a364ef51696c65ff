namespace ReleaseManagement.Policy.Validation;

/// <summary><c>audit</c>: at least one role may read the audit trail, and no role name is empty.</summary>
internal sealed class AuditRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy)
    {
        var readerRoles = PolicyPath.Root.Property("audit").Property("readerRoles");
        if (policy.Audit.ReaderRoles.Count == 0)
        {
            errors.Add(readerRoles, "At least one role must be able to read the audit trail.");
        }

        errors.RequireNoEmptyEntries(policy.Audit.ReaderRoles, readerRoles);
    }
}
