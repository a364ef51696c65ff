using ReleaseManagement.Approvals.Tests.Infrastructure;

// One local host per configuration for the whole run (each is a process against Azurite); tests isolate by release id.
[assembly: AssemblyFixture(typeof(SmtpApprovalSystem))]
[assembly: AssemblyFixture(typeof(SignedInApprovalSystem))]
