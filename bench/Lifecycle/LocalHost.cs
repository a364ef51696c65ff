using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lifecycle;

/// <summary>
/// The local host as its own process, as <c>scripts/run-local.sh</c> and the tests' <c>LocalHostProcess</c> run it: the
/// built dll (same configuration as this harness), configured by environment variables, ended by SIGTERM. Its working
/// set and private bytes are read from the operating system (<see cref="Process.Refresh"/>).
/// </summary>
internal sealed class LocalHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private LocalHost(Process process, Uri baseAddress, HttpClient client)
    {
        _process = process;
        BaseAddress = baseAddress;
        Client = client;
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public int ProcessId => _process.Id;

    /// <summary>The last lines the host wrote (warnings and errors), for a failure message.</summary>
    public string Tail
    {
        get
        {
            lock (_output)
            {
                var text = _output.ToString();
                return text.Length > 4000 ? text[^4000..] : text;
            }
        }
    }

    public static string RepoRoot { get; } = FindRoot();

    /// <summary>Debug or Release: the folder above this harness's tfm folder (bench/Lifecycle/bin/CONFIG/net10.0).</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    public static async Task<LocalHost> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var dll = Path.Combine(RepoRoot, "src", "ReleaseFunctions.LocalHost", "bin", Configuration, "net10.0", "ReleaseFunctions.LocalHost.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: dotnet build bench/Lifecycle -c {Configuration} builds it.");
        }

        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--urls", baseAddress.ToString().TrimEnd('/') },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoRoot,
        };
        info.Environment["DOTNET_ENVIRONMENT"] = "Development";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        // Every driver holds its own request at a time; the host sees as many connections as releases in flight.
        var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(120),
        };
        var host = new LocalHost(process, baseAddress, client);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await host.WaitUntilHealthyAsync();
        return host;
    }

    /// <summary>Working set and private bytes of the host process, in bytes.</summary>
    public (long WorkingSet, long Private) Memory()
    {
        _process.Refresh();
        return (_process.WorkingSet64, _process.PrivateMemorySize64);
    }

    public async ValueTask DisposeAsync()
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

        Client.Dispose();
        _process.Dispose();
    }

    private async Task WaitUntilHealthyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The local host exited with {_process.ExitCode}:\n{Tail}");
            }

            try
            {
                using var response = await Client.GetAsync("/api/health");
                if (response.StatusCode == HttpStatusCode.OK)
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
                throw new TimeoutException($"The local host did not answer /api/health within 180 s:\n{Tail}");
            }

            await Task.Delay(100);
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
            if (Environment.GetEnvironmentVariable("LIFECYCLE_HOST_LOG") is { Length: > 0 } path)
            {
                // The whole output kept (the tail below keeps 32 to 64 KB): to read a run's warnings afterwards.
                File.AppendAllText(path, line + Environment.NewLine);
            }

            _output.AppendLine(line);
            if (_output.Length > 64_000)
            {
                _output.Remove(0, 32_000);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ReleaseFunctions.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("ReleaseFunctions.sln not found above " + AppContext.BaseDirectory);
    }
}
