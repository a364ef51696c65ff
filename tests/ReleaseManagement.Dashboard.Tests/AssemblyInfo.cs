// One local host and one Chromium for the whole run (DashboardSystem), shared by the browser test classes, which run side
// by side (xunit.runner.json); each test owns its releases (and, where it needs one, its system).
[assembly: AssemblyFixture(typeof(ReleaseManagement.Dashboard.Tests.DashboardSystem))]
