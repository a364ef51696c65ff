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

    private OwnAzurite(System.Diagnostics.Process process, string connectionString)
    {
        _process = process;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<OwnAzurite> StartAsync(CancellationToken cancellationToken)
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
        var own = new OwnAzurite(process,
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;" +
            $"QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var port in new[] { blob, queue, table })
        {
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"Azurite exited with {process.ExitCode}");
                }

                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(200, cancellationToken);
                }
            }
        }

        return own;
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

    private static int FreePort() => ReleaseFunctions.TestSupport.LocalHostProcess.FreePort();

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
