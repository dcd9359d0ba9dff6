namespace TransferGen.Benchmarks.Fuzzing;

/// <summary>
/// One format under test: a valid seed folder, the file in it that each case damages, and what a user's command does
/// with the folder (load a dataset, load weights, load or resume a run). Each case gets a fresh copy of the folder.
/// </summary>
/// <param name="Name">The format's name in reports ("png", "idx-gz", "run-checkpoint", ...).</param>
/// <param name="SeedFolder">The valid folder.</param>
/// <param name="File">The file inside it that is damaged, relative to the folder.</param>
/// <param name="Consume">Reads the (copied, damaged) folder the way TransferGen's commands do; returns normally when the
/// file is accepted and throws when it is not.</param>
public sealed record FuzzTarget(string Name, string SeedFolder, string File, Action<string> Consume)
{
    /// <summary>Known integer fields of the format (dimensions, counts, lengths) that mutations aim at.</summary>
    public IReadOnlyList<FuzzField> Fields { get; init; } = [];

    /// <summary>Whether <see cref="File"/> is JSON text (dimension mutations then replace number literals).</summary>
    public bool IsJson { get; init; }

    /// <summary>
    /// Repairs what a format checks before it reads further (a PNG chunk's CRC) after a field mutation, so the reader
    /// meets the damaged value instead of a checksum error. Null when nothing needs repair.
    /// </summary>
    public Func<byte[], byte[]>? RepairChecksums { get; init; }

    /// <summary>A format-specific dimension mutation (the JSON header of a safetensors file); null uses the generic one.</summary>
    public Func<byte[], Random, FuzzMutation>? MutateDimensions { get; init; }
}
