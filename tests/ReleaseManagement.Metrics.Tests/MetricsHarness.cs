using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Api.Metrics;
using ReleaseManagement.Approvals;
using ReleaseManagement.Azure.Email;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Azure.Metrics;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Events;
using ReleaseManagement.Metrics;
using ReleaseManagement.Objectives;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Metrics.Tests;

internal static class Azurite
{
    public static string ConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable("AZURITE_CONNECTION_STRING");
            Assert.SkipWhen(string.IsNullOrEmpty(value), "AZURITE_CONNECTION_STRING is not set: run through scripts/test.sh.");
            return value!;
        }
    }
}

/// <summary>
/// The real storage adapters on Azurite, wired by hand: per-test tables for events and metrics (the release and approval
/// tables are the shared ones, keyed by unique release ids), a file mailbox, a fake clock.
/// </summary>
internal sealed class MetricsHarness : IAsyncDisposable
{
    private readonly List<TableClient> _tables = [];

    public MetricsHarness(DateTimeOffset now, ReleasePolicy? policy = null, IReleaseHealthMonitor? monitor = null, int catchUpDays = 7)
    {
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(Storage, global::Azure.Core.HttpPipelinePosition.PerCall);
        Service = new TableServiceClient(Azurite.ConnectionString, tableOptions);
        var suffix = Guid.NewGuid().ToString("N")[..10];
        Clock = new FakeTimeProvider(now);
        Policy = policy ?? Facts.Utc with
        {
            Approvers = new Dictionary<string, IReadOnlyList<string>>
            {
                [PolicyRoles.Stakeholder] = ["stakeholder@example.com"],
                [PolicyRoles.ReleaseManager] = ["rm@example.com"],
            },
        };
        EventsTable = "MEvents" + suffix;
        Events = new TablePipelineEventStore(Table(EventsTable));
        Releases = new TableReleaseStore(Service);
        Decisions = new TableApprovalDecisionStore(Service);
        Requests = new TableApprovalRequestStore(Service);
        DailyTable = "MDaily" + suffix;
        Daily = new TableMetricsDailyStore(Table(DailyTable));
        Reports = new TableMetricsReportStore(Table("MReports" + suffix));
        Health = new TableReleaseHealthStore(Table("MHealth" + suffix));
        Feedback = new TableFeedbackStore(Service);
        ObjectiveVerdicts = new TableObjectiveStore(Service);
        Mailbox = Directory.CreateTempSubdirectory("metrics-mail-").FullName;
        Options = new MetricsOptions { DoraYear = 2024, RollupCatchUpDays = catchUpDays };
        Service_ = new MetricsService(Events, Releases, new TableApprovalHistory(Service), Daily, Reports, Policy,
            Microsoft.Extensions.Options.Options.Create(Options), Clock, NullLogger<MetricsService>.Instance, Feedback, ObjectiveVerdicts);
        var email = new FileEmailSender(Microsoft.Extensions.Options.Options.Create(new EmailOptions { From = "Release Management <releases@example.com>", FileDirectory = Mailbox, Transport = EmailTransport.File }), Clock);
        var policies = new ReleasePolicies(new InMemoryPolicySnapshots(), Service_.Policy);
        Objectives = new ObjectiveService(Service_, Releases, ObjectiveVerdicts, Measures, Audit, policies, Clock, NullLogger<ObjectiveService>.Instance);
        Jobs = new MetricsJobs(new TableReleaseWatchList(Service), Events, monitor ?? new NoMonitor(), Health, Reports, email, Service_,
            policies, Clock, NullLogger<MetricsJobs>.Instance, Objectives);
    }

    public TableServiceClient Service { get; }

    /// <summary>Every storage request the harness's table clients send (method and path), to count what a read costs.</summary>
    public StorageRequests Storage { get; } = new();

    public sealed class StorageRequests : global::Azure.Core.Pipeline.HttpPipelineSynchronousPolicy
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(string Method, string Path)> _sent = new();

        public IReadOnlyList<(string Method, string Path)> Sent => [.. _sent];

        public void Clear() => _sent.Clear();

        /// <summary>The requests to <paramref name="table"/> that are not reads (inserts, upserts, deletes).</summary>
        public int WritesTo(string table) => Sent.Count(r => r.Method != "GET" && r.Path.Contains("/" + table, StringComparison.Ordinal));

        public override void OnSendingRequest(global::Azure.Core.HttpMessage message) =>
            _sent.Enqueue((message.Request.Method.ToString(), message.Request.Uri.Path));
    }

    /// <summary>The per-test <c>MetricsDaily</c> table's name.</summary>
    public string DailyTable { get; }

    /// <summary>The feedback links' table (the shared one: each test's releases are its own).</summary>
    public TableFeedbackStore Feedback { get; }

    /// <summary>Business objectives' verdicts (the shared table), their measures (set by the test) and the audit trail they write.</summary>
    public TableObjectiveStore ObjectiveVerdicts { get; }

    public FixedMeasures Measures { get; } = new();

    public InMemoryAuditTrail Audit { get; } = new();

    public ObjectiveService Objectives { get; }

    /// <summary>Objective measures answering what the test sets (<see cref="Values"/>; a measure not set has no data).</summary>
    public sealed class FixedMeasures : IObjectiveMeasures
    {
        public Dictionary<string, decimal> Values { get; } = new(StringComparer.Ordinal);

        /// <summary>While true, every measure answers as a source that is down.</summary>
        public bool Down { get; set; }

        public List<(string Measure, DateTimeOffset From, DateTimeOffset To)> Asked { get; } = [];

        public Task<ObjectiveMeasurement> MeasureAsync(string measure, ReleaseRequest release, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
        {
            Asked.Add((measure, from, to));
            if (Down)
            {
                return Task.FromResult(new ObjectiveMeasurement(null, "the query failed (503 ServiceUnavailable)") { Unavailable = true });
            }

            return Task.FromResult(Values.TryGetValue(measure, out var v) ? new ObjectiveMeasurement(v, null) : new ObjectiveMeasurement(null, "no rows for the period"));
        }
    }

    public FakeTimeProvider Clock { get; }

    public ReleasePolicy Policy { get; }

    public MetricsOptions Options { get; }

    public string EventsTable { get; }

    public TablePipelineEventStore Events { get; }

    public TableReleaseStore Releases { get; }

    public TableApprovalDecisionStore Decisions { get; }

    public TableApprovalRequestStore Requests { get; }

    public TableMetricsDailyStore Daily { get; }

    public TableMetricsReportStore Reports { get; }

    public TableReleaseHealthStore Health { get; }

    public string Mailbox { get; }

    public MetricsService Service_ { get; }

    public MetricsJobs Jobs { get; }

    private TableClient Table(string name)
    {
        var t = Service.GetTableClient(name);
        _tables.Add(t);
        return t;
    }

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    public async Task ReleaseAsync(string id, ReleaseType type, string system, DateTimeOffset createdAt, ReleasePhase phase = ReleasePhase.Closed, ReleaseStatus status = ReleaseStatus.Completed,
        string? policyHash = null, IReadOnlyList<BusinessObjective>? objectives = null)
    {
        var request = new ReleaseRequest(id, "Release " + id, type, [system], DateOnly.FromDateTime(createdAt.UtcDateTime.AddDays(30)), Objectives: objectives);
        Assert.True(await Releases.TryCreateAsync(new ReleaseRecord(request, createdAt, phase, status, null, createdAt) { PolicyHash = policyHash }, TestContext.Current.CancellationToken));
    }

    /// <summary>Stores an event as the processor would (event row, then the release index row).</summary>
    public async Task EventAsync(CanonicalEventType type, DateTimeOffset at, string? releaseId, string? system, string? environment = "production",
        string? outcome = EventOutcomes.Success, Dictionary<string, string>? attributes = null)
    {
        var evt = new CanonicalEvent($"test:{Guid.NewGuid():N}", "api", type, at, releaseId, system, environment, outcome, attributes ?? []);
        Assert.Equal(StoreOutcome.Added, await Events.AddAsync(evt, at, TestContext.Current.CancellationToken));
        await Events.MarkProcessedAsync(evt, releaseId is null ? EventDelivery.Uncorrelated : EventDelivery.NotRunning, at, TestContext.Current.CancellationToken);
    }

    /// <summary>An approval email sent to <paramref name="approver"/> at <paramref name="sentAt"/>, and their decision.</summary>
    public async Task ApprovalAsync(string releaseId, string stage, string approver, string role, DateTimeOffset sentAt, DateTimeOffset? decidedAt, bool approved = true)
    {
        var request = new ApprovalRequest(Guid.NewGuid().ToString("N"), releaseId, stage, 1, ApprovalKind.Request, approver, role, sentAt, sentAt.AddDays(2));
        await Requests.AddAsync(request, TestContext.Current.CancellationToken);
        await Requests.MarkSentAsync(request, sentAt, TestContext.Current.CancellationToken);
        if (decidedAt is { } at)
        {
            await Decisions.AddAsync(new ApprovalDecisionRecord(Guid.NewGuid().ToString("N"), releaseId, stage, approved, approver, role, null, at, DecisionChannels.Api, null, null, null), TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var t in _tables)
        {
            await t.DeleteAsync();
        }

        Directory.Delete(Mailbox, recursive: true);
    }

    private sealed class NoMonitor : IReleaseHealthMonitor
    {
        public Task<HealthReading> QueryAsync(HealthQuery query, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("No monitor in this test.");
    }
}
