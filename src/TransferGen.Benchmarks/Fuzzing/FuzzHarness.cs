using System.Diagnostics;
using System.Globalization;
using TransferGen.IO;
using static TorchSharp.torch;

namespace TransferGen.Benchmarks.Fuzzing;

/// <summary>The limits and choices of a fuzz run.</summary>
public sealed record FuzzOptions
{
    /// <summary>The seed of every mutation: the same seed and case number give the same damaged file.</summary>
    public int Seed { get; init; }

    /// <summary>Stop after this many cases (dealt round-robin over the formats).</summary>
    public long MaxCases { get; init; } = 1000;

    /// <summary>Stop starting cases after this long.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The formats to fuzz (<see cref="FuzzCorpus.Names"/>); all when empty.</summary>
    public IReadOnlyList<string> Formats { get; init; } = [];

    /// <summary>A case running longer than this has hung.</summary>
    public TimeSpan CaseTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The cap on the memory one case takes: its growth of resident memory (Linux's peak RSS, reset before each case).
    /// Every seed file is under 400 kB, so a reader that honours its file's size stays far below.
    /// </summary>
    public long MemoryCapBytes { get; init; } = 512L << 20;

    /// <summary>
    /// The cap on one case's managed allocations. Larger than <see cref="MemoryCapBytes"/>: a .NET array of a damaged
    /// length is allocated untouched (no resident memory) before the read past the file's end fails, which costs
    /// nothing; beyond this cap it is still a failure.
    /// </summary>
    public long ManagedCapBytes { get; init; } = 4L << 30;

    /// <summary>A folder to save each failing case's damaged file and log into; none when null.</summary>
    public string? FailuresFolder { get; init; }
}

/// <summary>
/// Seeded mutation fuzzing of every file format TransferGen reads. Each case damages one seed file (bit flips,
/// truncation, length and dimension fields, appended garbage), then runs what a command does with it. A case passes
/// when the file is read or refused with an <see cref="InputException"/>; any other exception, a hang or an
/// allocation beyond the cap fails it. A crash of the process (a native fault) ends the run: run it in a child
/// process, whose last progress line names the case.
/// </summary>
public static class FuzzHarness
{
    /// <summary>Runs the cases of <paramref name="options"/> in a temporary folder it removes afterwards.</summary>
    /// <param name="options">Seed, limits, formats.</param>
    /// <param name="progress">Called before each case with its format and number (for a crash's last words) and with
    /// summary lines; may be null.</param>
    /// <param name="cancellationToken">Stops starting cases.</param>
    public static FuzzReport Run(FuzzOptions options, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var formats = options.Formats.Count == 0 ? FuzzCorpus.Names : options.Formats;
        var work = Path.Combine(Path.GetTempPath(), $"transfergen-fuzz-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            var targets = FuzzCorpus.Create(Path.Combine(work, "seeds"), formats);
            var seeds = targets.ToDictionary(t => t.Name, t => File.ReadAllBytes(Path.Combine(t.SeedFolder, t.File)));
            var caseFolder = Path.Combine(work, "case");
            foreach (var target in targets)
            {
                // Every seed must be accepted as it is, or the cases test nothing.
                var (outcome, message, _, _) = RunCase(target, seeds[target.Name], caseFolder, options);
                if (outcome != FuzzOutcome.Accepted)
                    throw new InvalidOperationException($"the {target.Name} fuzz seed is not accepted as it is ({outcome}: {message})");
            }

            var counts = targets.ToDictionary(t => t.Name, _ => new int[3]);   // accepted, rejected, failed
            var failures = new List<FuzzFailure>();
            long peakGrowth = 0, peakManaged = 0;
            var hung = false;
            var clock = Stopwatch.StartNew();
            for (long k = 0; k < options.MaxCases && clock.Elapsed < options.Duration && !cancellationToken.IsCancellationRequested; k++)
            {
                var target = targets[(int)(k % targets.Count)];
                var mutation = Mutate(target, seeds[target.Name], options.Seed, k);
                progress?.Invoke($"case {k} {target.Name}: {mutation.Description}");
                var (outcome, message, growth, managed) = RunCase(target, mutation.Bytes, caseFolder, options);
                peakGrowth = Math.Max(peakGrowth, growth);
                peakManaged = Math.Max(peakManaged, managed);
                var count = counts[target.Name];
                if (outcome == FuzzOutcome.Accepted) count[0]++;
                else if (outcome == FuzzOutcome.Rejected) count[1]++;
                else
                {
                    count[2]++;
                    var saved = Save(options.FailuresFolder, target, k, mutation, outcome, message);
                    failures.Add(new FuzzFailure(target.Name, k, outcome, mutation.Description, message, saved));
                    progress?.Invoke($"FAILED case {k} {target.Name} ({outcome}): {message}");
                    if (outcome == FuzzOutcome.Hung)
                    {
                        hung = true;
                        break;
                    }
                }
            }
            var formatCounts = targets.Select(t => new FuzzFormatCount(t.Name, counts[t.Name].Sum(), counts[t.Name][0], counts[t.Name][1], counts[t.Name][2])).ToList();
            return new FuzzReport(options.Seed, formatCounts, failures, clock.Elapsed.TotalSeconds, hung, peakGrowth, peakManaged);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The damaged file of case <paramref name="k"/> of a run seeded with <paramref name="seed"/>.</summary>
    public static FuzzMutation Mutate(FuzzTarget target, byte[] seedBytes, int seed, long k)
    {
        var random = new Random(HashCode(seed, target.Name, k));
        var kind = (FuzzMutationKind)random.Next(Enum.GetValues<FuzzMutationKind>().Length);
        var mutation = kind == FuzzMutationKind.DimensionField && target.MutateDimensions is { } special
            ? special(seedBytes, random)
            : FuzzMutations.Apply(seedBytes, kind, target.Fields, target.IsJson, random);
        if (kind is FuzzMutationKind.DimensionField or FuzzMutationKind.LengthField && target.RepairChecksums is { } repair)
            mutation = mutation with { Bytes = repair(mutation.Bytes) };
        return mutation;
    }

    /// <summary>A stable (not per-process) hash of the case's identity.</summary>
    static int HashCode(int seed, string format, long k)
    {
        ulong h = 14695981039346656037UL;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes($"{seed}/{format}/{k}"))
            h = (h ^ b) * 1099511628211UL;
        return (int)(h ^ (h >> 32));
    }

    static (FuzzOutcome Outcome, string Message, long MemoryGrowth, long Managed) RunCase(FuzzTarget target, byte[] bytes, string caseFolder,
        FuzzOptions options)
    {
        if (Directory.Exists(caseFolder)) Directory.Delete(caseFolder, recursive: true);
        CopyFolder(target.SeedFolder, caseFolder);
        File.WriteAllBytes(Path.Combine(caseFolder, target.File), bytes);

        var residentBefore = PeakResident.Reset();
        Exception? error = null;
        long managed = 0;
        var thread = new Thread(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                using var scope = NewDisposeScope();
                target.Consume(caseFolder);
            }
            catch (Exception e)
            {
                error = e;
            }
            managed = GC.GetAllocatedBytesForCurrentThread() - before;
        }, maxStackSize: 16 << 20) { IsBackground = true, Name = $"fuzz {target.Name}" };
        thread.Start();
        if (!thread.Join(options.CaseTimeout))
            return (FuzzOutcome.Hung, $"still running after {options.CaseTimeout.TotalSeconds:0} s", 0, 0);
        var growth = residentBefore is long start && PeakResident.Read() is long peak ? Math.Max(0, peak - start) : 0;

        if (growth > options.MemoryCapBytes || managed > options.ManagedCapBytes)
            return (FuzzOutcome.OverMemory,
                string.Create(CultureInfo.InvariantCulture, $"resident memory grew by {growth / 1048576.0:0} MiB (cap {options.MemoryCapBytes / 1048576.0:0} MiB), managed allocations {managed / 1048576.0:0} MiB (cap {options.ManagedCapBytes / 1048576.0:0} MiB)"),
                growth, managed);
        if (error is null) return (FuzzOutcome.Accepted, "", growth, managed);
        if (IsInputError(error)) return (FuzzOutcome.Rejected, error.Message, growth, managed);
        return (FuzzOutcome.Crashed, $"{error.GetType().Name}: {FirstLine(error.Message)} {FirstFrame(error)}", growth, managed);
    }

    /// <summary>An input error is what the command line reports as one sentence with exit 2.</summary>
    static bool IsInputError(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is InputException) return true;
        return false;
    }

    static string FirstLine(string s) => s.Split('\n', 2)[0].TrimEnd('\r');

    static string FirstFrame(Exception e) =>
        e.StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains("TransferGen", StringComparison.Ordinal)) is { } frame
            ? $"({frame})" : "";

    /// <summary>Copies the folder tree <paramref name="from"/> to <paramref name="to"/>.</summary>
    internal static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var folder in Directory.EnumerateDirectories(from)) CopyFolder(folder, Path.Combine(to, Path.GetFileName(folder)));
    }

    static string? Save(string? folder, FuzzTarget target, long k, FuzzMutation mutation, FuzzOutcome outcome, string message)
    {
        if (folder is null) return null;
        Directory.CreateDirectory(folder);
        var name = $"{target.Name}-case{k}{Path.GetExtension(target.File)}";
        var path = Path.Combine(folder, name);
        AtomicFile.WriteAllBytes(path, mutation.Bytes);
        AtomicFile.WriteAllText(path + ".txt", $"format: {target.Name}\nfile: {target.File}\ncase: {k}\noutcome: {outcome}\nmutation: {mutation.Description}\n{message}\n");
        return path;
    }
}

/// <summary>The process's peak resident memory (Linux VmHWM), which writing 5 to /proc/self/clear_refs resets.</summary>
internal static class PeakResident
{
    /// <summary>Resets the peak to the current resident size and returns it; null where that is not possible.</summary>
    public static long? Reset()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return Read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The peak resident size in bytes since the last reset; null where it cannot be read.</summary>
    public static long? Read()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line is null) return null;
            var kilobytes = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            return kilobytes * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
