using System.Net;
using System.Net.Sockets;

namespace ReleaseFunctions.Tests.Support;

/// <summary>
/// An Azurite of one test's own (the pinned one scripts/lib/azurite.sh installs into tools/azurite, in memory, on free
/// loopback ports), so the test may pause it (SIGSTOP) without stopping the shared Azurite every other test uses.
/// </summary>
public sealed class OwnAzurite : IAsyncDisposable
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly System.Diagnostics.Process _process;
    private readonly (int Port, string Server)[] _ports;

    private OwnAzurite(System.Diagnostics.Process process, string connectionString, (int Port, string Server)[] ports)
    {
        _process = process;
        _ports = ports;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    /// <summary>
    /// Starts it on three free ports and waits until each answers as Azurite (its <c>Server</c> header), not merely until
    /// something accepts a connection there. A port found free can be taken before Azurite binds it (by another process of
    /// the run, or as the local port of an outgoing connection: the ports the kernel hands out for "any free port" are the
    /// ephemeral ones): a full run once started a host on an Azurite that had exited, whose port another listener had
    /// answered the probe on ("Connection refused" at the host's start). So the ports come from below the ephemeral
    /// range, and a start that does not answer as Azurite is tried again on other ports.
    /// </summary>
    public static async Task<OwnAzurite> StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var own = Launch();
            try
            {
                await own.WaitUntilAnsweringAsync(cancellationToken);
                return own;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                await own.DisposeAsync();
            }
        }
    }

    private static OwnAzurite Launch()
    {
        var azurite = ReleaseFunctions.TestSupport.Repo.Path("tools", "azurite", "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException($"{azurite} is missing: scripts/test.sh installs it.");
        }

        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        var info = new System.Diagnostics.ProcessStartInfo(azurite)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            "--silent", "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl", "--disableTelemetry", "--inMemoryPersistence",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", $"{blob}", "--queuePort", $"{queue}", "--tablePort", $"{table}",
        })
        {
            info.ArgumentList.Add(a);
        }

        var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException("Azurite did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new OwnAzurite(process,
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;" +
            $"QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;",
            [(blob, "Azurite-Blob"), (queue, "Azurite-Queue"), (table, "Azurite-Table")]);
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var (port, server) in _ports)
        {
            while (true)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"Azurite exited with {_process.ExitCode}");
                }

                try
                {
                    using var answer = await http.GetAsync($"http://127.0.0.1:{port}/devstoreaccount1", cancellationToken);
                    var named = answer.Headers.Server.ToString();
                    if (!named.StartsWith(server, StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException($"Port {port} is answered by '{named}', not {server}");
                    }

                    break;
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(200, cancellationToken);
                }
            }
        }
    }

    /// <summary>Stops the process where it stands (SIGSTOP): connections open, nothing answered.</summary>
    public Task PauseAsync() => SignalAsync("-STOP");

    /// <summary>Lets it go on (SIGCONT).</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    private async Task SignalAsync(string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>A port free now, below Linux's ephemeral range (32768 on), so no outgoing connection takes it meanwhile.</summary>
    private static int FreePort()
    {
        while (true)
        {
            var port = Random.Shared.Next(20000, 32000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: another.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await ResumeAsync();
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
