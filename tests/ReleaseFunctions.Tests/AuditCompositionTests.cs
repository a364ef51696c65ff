using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ReleaseFunctions.Tests.Support;
using ReleaseManagement.Activities;
using ReleaseManagement.Api;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Api.Webhooks;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseFunctions.Tests;

/// <summary>
/// No optional safety (issue 23): the hash-chained audit trail and the admission writer are required wherever a release
/// changes, so a wiring mistake fails when the host composes, instead of silently writing no audit.
/// </summary>
public sealed class AuditCompositionTests
{
    /// <summary>What changes a release, by the routes, triggers and activities that call it.</summary>
    private static readonly Type[] ReleaseChangers =
    [
        typeof(ReleaseHandlers), typeof(ReleaseControl), typeof(CancelHandler), typeof(RescheduleHandler), typeof(MilestoneHandler), typeof(EvidenceHandler),
        typeof(RollbackHandler), typeof(OutageDecisionHandler), typeof(ApprovalDecisionService), typeof(PipelineEventProcessor), typeof(RecordReleaseStatus),
    ];

    private static readonly Type[] SafetyTypes = [typeof(IAuditTrail), typeof(AuditRecorder), typeof(AdmissionWriter)];

    [Fact]
    public void Constructors_AuditTrailAndAdmissionWriter_AreNeverOptionalNorNullable()
    {
        var nullability = new NullabilityInfoContext();
        var optional = new[] { typeof(ReleaseHandlers).Assembly, typeof(RecordReleaseStatus).Assembly }
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => (Type: t, Parameter: p)))
            .Where(x => SafetyTypes.Contains(x.Parameter.ParameterType)
                && (x.Parameter.IsOptional || nullability.Create(x.Parameter).WriteState == NullabilityState.Nullable))
            .Select(x => $"{x.Type.FullName}({x.Parameter.ParameterType.Name} {x.Parameter.Name})")
            .ToArray();

        Assert.Empty(optional);
        // The release-control handlers audit through ReleaseControl, which takes the audit recorder (checked above as a changer).
        Assert.All(ReleaseChangers, t => Assert.Contains(
            t.GetConstructors().Single().GetParameters(),
            p => p.ParameterType == typeof(IAuditTrail) || p.ParameterType == typeof(AuditRecorder) || p.ParameterType == typeof(ReleaseControl)));
        // The status activity no longer lifts conflicts through the admission writer: the store it writes through keeps the
        // admission index (an ended release drops out of the others' conflicts there), so it must be given the store.
        Assert.Contains(typeof(RecordReleaseStatus).GetConstructors().Single().GetParameters(), p => p.ParameterType == typeof(IReleaseStore));
    }

    [Fact]
    public void FunctionsHost_Composition_GivesEveryReleaseChangerTheRegisteredAuditTrail()
    {
        var trail = new ReleaseFunctions.TestSupport.InMemoryAuditTrail();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
                ["Approvals:PublicBaseUrl"] = "http://localhost:7071",
                ["Approvals:FormKey"] = Convert.ToBase64String(new byte[32]),
            })
            .Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IAuditTrail>(trail).AddReleaseManagement(configuration);
        using var provider = services.BuildServiceProvider();

        Assert.Same(trail, provider.GetRequiredService<IAuditTrail>());
        Assert.All(ReleaseChangers, t => Assert.NotNull(provider.GetRequiredService(t)));
    }

    [Fact]
    public async Task LocalHost_Composition_ResolvesEveryReleaseChangerWithTheCheckpointedTableAuditTrail()
    {
        await using var local = LocalHostComposition.Build();

        // The table trail, each append followed by its checkpoint (docs/api.md, "Audit trail").
        Assert.IsType<ReleaseManagement.Audit.CheckpointedAuditTrail>(local.App.Services.GetRequiredService<IAuditTrail>());
        Assert.IsType<ReleaseManagement.Azure.Audit.BlobAuditCheckpoints>(local.App.Services.GetRequiredService<ReleaseManagement.Ports.IAuditCheckpoints>());
        Assert.All(ReleaseChangers, t => Assert.NotNull(local.App.Services.GetRequiredService(t)));
    }
}
