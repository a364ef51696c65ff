namespace ReleaseManagement.Api.Dashboard;

public sealed partial record ReleasePageView
{
    /// <summary>The pipeline simulator's section (Development mode on the local host only, <see cref="PipelineSimulator"/>), or null.</summary>
    public PipelineSimulatorView? Simulator { get; init; }
}
