using System.Diagnostics;

namespace TransferGen.Tests.Cli;

/// <summary>Runs the real `transfergen` program (the CLI assembly next to the tests) as a child process.</summary>
public static class CliRunner
{
    // A hang detector, not a timing: the quickstart's tiny run took just over two minutes while the rest of the suite
    // shared the 2 cores, so the limit leaves room for a loaded machine.
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    /// <summary>What a run printed and returned.</summary>
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    /// <summary>Runs the tool with <paramref name="args"/> and waits (at most five minutes).</summary>
    public static Result Run(params string[] args) => Run(null, args);

    /// <summary>
    /// Starts the tool with <paramref name="args"/>, waits until <paramref name="killWhen"/> holds (polled every 20 ms),
    /// then kills it with SIGKILL, as a crash or an out-of-memory kill would. False when the tool exited first.
    /// </summary>
    public static bool RunAndKill(Func<bool> killWhen, params string[] args) => RunAndKill(null, killWhen, args);

    /// <summary>As <see cref="RunAndKill(Func{bool}, string[])"/>, with extra environment variables.</summary>
    public static bool RunAndKill(IDictionary<string, string>? environment, Func<bool> killWhen, params string[] args)
    {
        using var process = Process.Start(StartInfo(environment, args))!;
        process.OutputDataReceived += (_, _) => { };   // drained and dropped, so a full pipe never blocks the tool
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (!process.HasExited && clock.Elapsed < Limit)
        {
            if (killWhen())
            {
                process.Kill(entireProcessTree: true);   // SIGKILL on Unix: no handler, no clean-up runs
                process.WaitForExit();
                return true;
            }
            Thread.Sleep(20);
        }
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        return false;
    }

    /// <summary>
    /// Starts the tool with <paramref name="args"/> and returns it running, its output drained and dropped; the caller
    /// waits for it or kills it (and disposes it).
    /// </summary>
    public static Process Start(params string[] args)
    {
        var process = Process.Start(StartInfo(null, args))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// Starts the tool with <paramref name="args"/>, sends it SIGINT (what Ctrl-C sends; or <paramref name="signal"/>) once
    /// <paramref name="when"/> holds, and waits for it to exit (at most five minutes in all). Null when the tool exited
    /// before the signal.
    /// </summary>
    public static Result? RunAndInterrupt(Func<bool> when, string[] args, int signal = SigInt)
    {
        using var process = Process.Start(StartInfo(null, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        var sent = false;
        while (!process.HasExited && clock.Elapsed < Limit)
        {
            if (!sent && when())
            {
                sent = Kill(process.Id, signal) == 0;
                if (!sent) throw new InvalidOperationException($"could not send signal {signal}");
            }
            Thread.Sleep(20);
        }
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"transfergen {string.Join(' ', args)} did not stop in five minutes");
        }
        process.WaitForExit();
        return sent ? new Result(process.ExitCode, stdout.Result, stderr.Result) : null;
    }

    /// <summary>SIGINT, what Ctrl-C sends.</summary>
    public const int SigInt = 2;

    /// <summary>SIGTERM, what `kill` and service managers send.</summary>
    public const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Kill(int pid, int signal);

    static ProcessStartInfo StartInfo(IDictionary<string, string>? environment, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TransferGen.Cli.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        if (environment != null) foreach (var (k, v) in environment) start.Environment[k] = v;
        start.Environment["NO_COLOR"] = "1";
        return start;
    }

    /// <summary>Runs the tool with extra environment variables.</summary>
    public static Result Run(IDictionary<string, string>? environment, params string[] args)
    {
        var start = StartInfo(environment, args);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"transfergen {string.Join(' ', args)} did not finish in five minutes");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
