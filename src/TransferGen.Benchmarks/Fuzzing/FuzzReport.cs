namespace TransferGen.Benchmarks.Fuzzing;

/// <summary>How one fuzz case ended.</summary>
public enum FuzzOutcome
{
    /// <summary>The damaged file was read without complaint (damage to pixels or weights is often harmless).</summary>
    Accepted,

    /// <summary>It was refused with an <see cref="InputException"/> (one sentence, exit 2 on the command line).</summary>
    Rejected,

    /// <summary>Any other exception: a bug.</summary>
    Crashed,

    /// <summary>It ran past the case time limit: a bug (the run stops there, as the stuck thread cannot be ended).</summary>
    Hung,

    /// <summary>It allocated beyond the stated cap: a bug.</summary>
    OverMemory,
}

/// <summary>The counts of one format.</summary>
/// <param name="Format">The format's name.</param>
/// <param name="Tried">Cases run.</param>
/// <param name="Accepted">Cases read without complaint.</param>
/// <param name="Rejected">Cases refused with an input error.</param>
/// <param name="Failed">Cases that crashed, hung or allocated beyond the cap.</param>
public sealed record FuzzFormatCount(string Format, int Tried, int Accepted, int Rejected, int Failed);

/// <summary>One failing case, enough to reproduce it.</summary>
/// <param name="Format">The format's name.</param>
/// <param name="Case">The case number (with the run's seed it reproduces the mutation).</param>
/// <param name="Outcome">How it failed.</param>
/// <param name="Mutation">What was done to the file.</param>
/// <param name="Message">The exception's type and message, or the limit that was passed.</param>
/// <param name="SavedAs">Where the damaged file was saved, when a failures folder was given.</param>
public sealed record FuzzFailure(string Format, long Case, FuzzOutcome Outcome, string Mutation, string Message, string? SavedAs);

/// <summary>What a fuzz run did.</summary>
/// <param name="Seed">The run's seed.</param>
/// <param name="Formats">Counts per format, in the order of <see cref="FuzzCorpus.Names"/>.</param>
/// <param name="Failures">Every failing case.</param>
/// <param name="Seconds">Wall time of the cases (seeds not counted).</param>
/// <param name="StoppedByHang">True when a hung case ended the run early.</param>
/// <param name="PeakMemoryGrowthBytes">The largest growth of resident memory during one case (0 where it cannot be measured).</param>
/// <param name="PeakManagedBytes">The largest managed allocation of one case.</param>
public sealed record FuzzReport(int Seed, IReadOnlyList<FuzzFormatCount> Formats, IReadOnlyList<FuzzFailure> Failures, double Seconds,
    bool StoppedByHang, long PeakMemoryGrowthBytes, long PeakManagedBytes)
{
    /// <summary>Cases run in all.</summary>
    public int Tried => Formats.Sum(f => f.Tried);

    /// <summary>Failing cases in all.</summary>
    public int Failed => Formats.Sum(f => f.Failed);
}
