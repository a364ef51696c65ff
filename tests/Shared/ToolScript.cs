using System.Diagnostics;

namespace ReleaseFunctions.TestSupport;

/// <summary>
/// A script of scripts/ run as a user runs it: <c>bash scripts/NAME.sh ARGS</c> from a directory of the test's own, with the
/// test process's environment plus the given settings. The tools' scripts build their tool first (a quick no-op after the
/// solution's build; builds of one clone take turns, scripts/lib/tool.sh).
/// </summary>
public static class ToolScript
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
    }

    public static async Task<Result> RunAsync(string script, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo("bash")
        {
            ArgumentList = { Repo.Path("scripts", script) },
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"bash {script} did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"scripts/{script} {string.Join(' ', arguments)} did not finish in 5 minutes.");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
