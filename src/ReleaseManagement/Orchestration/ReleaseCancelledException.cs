namespace ReleaseManagement.Orchestration;

/// <summary>Thrown inside the lifecycle when a cancel request arrives; the lifecycle ends Cancelled.</summary>
public sealed class ReleaseCancelledException(CancelRequest request) : Exception($"Cancelled by {request.By}: {request.Reason}")
{
    public CancelRequest Request { get; } = request;
}
