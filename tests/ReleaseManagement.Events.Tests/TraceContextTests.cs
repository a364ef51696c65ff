using System.Text;
using ReleaseManagement.Ports;
using ReleaseManagement.Telemetry;

namespace ReleaseManagement.Events.Tests;

/// <summary>The W3C trace context a queue message carries from the webhook to the processor (docs/architecture.md).</summary>
public sealed class TraceContextTests
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static RawDelivery Delivery() =>
        new("cdevents", "d-1", "dev.cdevents.pipelinerun.finished.0.2.0", new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero), Encoding.UTF8.GetBytes("{}"));

    [Fact]
    public void Inline_WithTraceContext_RoundTripsThroughTheMessageText()
    {
        var message = PipelineEventMessage.Inline(Delivery(), TraceParent, "vendor=1")!;

        var read = PipelineEventMessage.Parse(message.ToJson());

        Assert.Equal((TraceParent, "vendor=1"), (read.TraceParent, read.TraceState));
        Assert.Contains("\"traceParent\":", message.ToJson(), StringComparison.Ordinal);
        var parent = ReleaseTelemetry.ParentOf(read.TraceParent, read.TraceState);
        Assert.Equal(("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", "vendor=1"), (parent.TraceId.ToHexString(), parent.SpanId.ToHexString(), parent.TraceState));
    }

    [Fact]
    public void Parse_MessageFromBeforeTraceContext_ReadsWithNoParent()
    {
        var read = PipelineEventMessage.Parse("""{"source":"cdevents","deliveryId":"d-1","eventType":"x"}""");

        Assert.Null(read.TraceParent);
        Assert.Equal(default, ReleaseTelemetry.ParentOf(read.TraceParent));
        Assert.Equal(default, ReleaseTelemetry.ParentOf("not-a-traceparent"));
        Assert.DoesNotContain("trace", new PipelineEventMessage("cdevents", "d-1", "x").ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Inline_LongTraceState_IsDroppedAndTheTraceParentKept()
    {
        var message = PipelineEventMessage.Inline(Delivery(), TraceParent, new string('a', 257))!;

        Assert.Equal((TraceParent, (string?)null), (message.TraceParent, message.TraceState));
    }
}
