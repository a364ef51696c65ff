using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ReleaseFunctions.TestSupport;

/// <summary>
/// The local host run as its own process, as <c>scripts/run-local.sh</c> runs it: the built dll, configured by environment
/// variables. Stop() ends it as a service manager does (SIGTERM; SIGINT may be ignored in a background job), so a restart test exercises a real shutdown and start;
/// KillAsync() ends it as a crash does (SIGKILL).
/// </summary>
public sealed class LocalHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private LocalHostProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        // A bound on a hang, generous for a loaded machine: a fresh host's first request (every path JIT-compiled, tables and
        // containers created) once took over 30 s in a full run on two cores.
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(90) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private const string PipelineEventsQueueSetting = "PipelineEvents__Queue";

    /// <summary>A queue name (lower-case letters and digits, at most 63 characters) of a task hub's own.</summary>
    internal static string QueueOf(string taskHub)
    {
        var name = "events" + new string(taskHub.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray());
        return name[..Math.Min(name.Length, 63)];
    }

    private const string PolicyPathSetting = "Policy__Path";

    /// <summary>
    /// config/release-policy.example.json without its example people (so: the built-in policy) and with
    /// <c>access.requestMayNameApprovers</c> and <c>access.peopleMayReportMachineEvidence</c> on (the tests' requests name
    /// shared test approvers, and their gate evidence is given through the API), written once per test process. (JSON nodes: Infrastructure.Tests, which
    /// shares this file, does not reference the core.)
    /// </summary>
    private static readonly Lazy<string> TestPolicyPath = new(() =>
    {
        var policy = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, "config", "release-policy.example.json")))!.AsObject();
        policy["approvers"] = new System.Text.Json.Nodes.JsonObject();
        policy["access"] = new System.Text.Json.Nodes.JsonObject { ["requestMayNameApprovers"] = true, ["peopleMayReportMachineEvidence"] = true, ["roleClaims"] = new System.Text.Json.Nodes.JsonObject() };
        policy.Remove("$schema");
        var path = Path.Combine(Path.GetTempPath(), $"local-host-test-policy-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, policy.ToJsonString());
        return path;
    });

    /// <summary>Where the tests' local hosts write their mail unless a test says otherwise: one folder per test process, under the temp folder.</summary>
    private static readonly Lazy<string> TestMailDirectory = new(() => Directory.CreateTempSubdirectory("local-host-mail-").FullName);

    /// <summary>The task hub partitions of the tests' local hosts (a test creating a task hub for one uses it too).</summary>
    public const int PartitionCount = 1;

    public static async Task<LocalHostProcess> StartAsync(IReadOnlyDictionary<string, string> settings, int? port = null, CancellationToken cancellationToken = default)
    {
        var dll = Path.Combine(Repo.BuildOutput("ReleaseFunctions.LocalHost"), "ReleaseFunctions.LocalHost.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the solution first (scripts/test.sh does).");
        }

        var baseAddress = new Uri($"http://127.0.0.1:{port ?? FreePort()}");
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--urls", baseAddress.ToString().TrimEnd('/') },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repo.Root,
        };
        info.Environment["DOTNET_ENVIRONMENT"] = "Development";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        info.Environment["Logging__LogLevel__DurableTask.AzureStorage"] = "Warning";
        // Every local host pumps its pipeline-event queue. Hosts of tests running in parallel on one Azurite must not share
        // it, or one host takes (and stores, and cannot raise) another's deliveries: unless a test names the queue, it is
        // derived from the test's own task hub, so a restarted host with the same settings pumps the same queue again.
        if (!settings.ContainsKey(PipelineEventsQueueSetting) && settings.TryGetValue("TaskHubName", out var hub))
        {
            info.Environment[PipelineEventsQueueSetting] = QueueOf(hub);
        }

        // The tests' audit key, so in-process services verify what the host sealed.
        foreach (var (key, value) in AuditTestKeys.Settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        // Hosts of tests running in parallel share one Releases table but each has its own task hub: to one host another's
        // releases have no instance, so its stranded-release check would flag them. Unless a test names the schedule, the
        // check runs once a year (never during a test run).
        info.Environment["StrandedReleasesSchedule"] = "0 0 0 1 1 *";
        // Nor does one write the whole audit trail's daily manifest (of every test's releases) during a run.
        info.Environment["AuditManifestSchedule"] = "0 0 0 1 1 *";
        // Nor does one purge its task hub's ended orchestrations while a test reads them.
        info.Environment["HistoryPurgeSchedule"] = "0 0 0 1 1 *";
        // One control queue instead of the local host's two: every idle host polls each queue every second, and a full run
        // starts some thirty hosts on one Azurite and two cores.
        info.Environment["LocalHost__PartitionCount"] = PartitionCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Unless a test names its policy: the built-in one letting requests name approvers (the tests' requests name the
        // shared test approvers, ValidRelease.Approvers, whom the built-in directory does not name).
        info.Environment[PolicyPathSetting] = TestPolicyPath.Value;
        // Unless a test names its transport or folder: mail as files in a folder of the test run's, not the repository's
        // .local/mail, which is the developer's own mailbox of scripts/run-local.sh (/dev/mailbox) and filled up with every
        // run's test mail before.
        info.Environment["Email__FileDirectory"] = TestMailDirectory.Value;
        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        for (var attempt = 1; ; attempt++)
        {
            var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
            var host = new LocalHostProcess(process, baseAddress);
            process.OutputDataReceived += (_, e) => host.Append(e.Data);
            process.ErrorDataReceived += (_, e) => host.Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await host.WaitUntilHealthyAsync(cancellationToken);
                return host;
            }
            catch (InvalidOperationException) when (port is null && attempt < 3 && host.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // The free port was taken by another test's process before this host bound it: another port.
                await host.DisposeAsync();
                baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
                info.ArgumentList[2] = baseAddress.ToString().TrimEnd('/');
            }
        }
    }

    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
    }

    /// <summary>
    /// Ends the host at once with SIGKILL, as a crash or an out-of-memory kill does: no shutdown, so its partition leases
    /// and the queue messages it had taken stay held until they expire (the chaos tests restart a host after this).
    /// </summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Client.Dispose();
        _process.Dispose();
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The local host exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                // Healthy only once this process says it listens on its address: a free port picked for it may be taken by
                // another test's host in between, whose /api/health would otherwise answer for it (then this one exits).
                using var response = await Client.GetAsync("/api/health", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK && Output.Contains("Now listening on: " + BaseAddress.ToString().TrimEnd('/'), StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The local host did not answer /api/health within 120 s:\n{Output}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>
    /// A free loopback port, for a caller that needs the address before the host starts, as the kernel hands it out
    /// (port 0). Not a random port of our choosing: tests starting side by side in one process picked the same random port
    /// before either bound it, and their Durable test hosts then hung (two full runs); the kernel does not hand one port
    /// out twice in a row.
    /// </summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
