using System.Text.Json.Nodes;

namespace TransferGen.Training;

/// <summary>
/// The plain (non-tensor) part of a checkpoint: where the run stands, its history, its random state, the state of
/// its checkpointed callbacks, and the index of the tensor sections of the file.
/// </summary>
public sealed record CheckpointState
{
    /// <summary>The run's kind (config.json's "kind").</summary>
    public string Kind { get; init; } = "";

    /// <summary>Epochs finished: the epoch a resume continues (counted from 0).</summary>
    public int EpochsCompleted { get; init; }

    /// <summary>Batches of the epoch <see cref="EpochsCompleted"/> already done (0 unless the run was cancelled mid-epoch).</summary>
    public int BatchesDone { get; init; }

    /// <summary>Optimiser steps taken.</summary>
    public long GlobalStep { get; init; }

    /// <summary>Name of the phase the run was in; optimiser states belong to it.</summary>
    public string? Phase { get; init; }

    /// <summary>Every finished epoch's figures.</summary>
    public List<Dictionary<string, double>> History { get; init; } = [];

    /// <summary>Sums of the step figures of the unfinished epoch (empty at an epoch boundary).</summary>
    public Dictionary<string, double> StepSums { get; init; } = [];

    /// <summary>Steps the sums cover.</summary>
    public int StepCount { get; init; }

    /// <summary>Wall-clock seconds the run has taken up to this checkpoint, summed over every process that worked on it.</summary>
    public double Seconds { get; init; }

    /// <summary>LibTorch's global CPU generator state, base64 (dropout and other draws continue exactly).</summary>
    public string Rng { get; init; } = "";

    /// <summary>The states of the context's other generators, base64, by name.</summary>
    public Dictionary<string, string> Generators { get; init; } = [];

    /// <summary>The states of checkpointed callbacks, by <see cref="ICheckpointedCallback.StateKey"/>.</summary>
    public Dictionary<string, JsonNode> Callbacks { get; init; } = [];

    /// <summary>When the checkpoint was written (UTC, ISO 8601).</summary>
    public string Written { get; init; } = "";

    /// <summary>Where each module's and optimiser's state lies in the file.</summary>
    public List<CheckpointSection> Sections { get; init; } = [];
}

/// <summary>One tensor section of a checkpoint file.</summary>
/// <param name="Name">The module's or optimiser's name in the context.</param>
/// <param name="Type">"module" or "optimizer".</param>
/// <param name="Phase">For an optimiser: the phase it was built for (it is restored only into that phase's optimiser).</param>
/// <param name="Offset">Byte offset of the section.</param>
/// <param name="Length">Its length in bytes.</param>
public sealed record CheckpointSection(string Name, string Type, string? Phase, long Offset, long Length);
