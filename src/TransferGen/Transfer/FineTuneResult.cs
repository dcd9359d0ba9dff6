using TransferGen.Models;

namespace TransferGen.Transfer;

/// <summary>The outcome of a fine-tune. The caller owns <see cref="Model"/> and disposes it.</summary>
public sealed record FineTuneResult
{
    /// <summary>The classifier with the selected (best validation) weights, in eval mode, with its preprocessing and classes.</summary>
    public required ImageClassifier Model { get; init; }

    /// <summary>Class names, indexed by label.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>Best validation accuracy (0..1) and the epoch (from 1) that reached it.</summary>
    public double BestValidationAccuracy { get; init; }

    /// <summary>Epoch (from 1) of <see cref="BestValidationAccuracy"/>.</summary>
    public int BestEpoch { get; init; }

    /// <summary>Accuracy of the selected model on the dataset's test split (null when it has none).</summary>
    public double? TestAccuracy { get; init; }

    /// <summary>Every epoch's figures.</summary>
    public required IReadOnlyList<IReadOnlyDictionary<string, double>> History { get; init; }

    /// <summary>Why training stopped early (null when it ran all epochs).</summary>
    public string? StopReason { get; init; }

    /// <summary>True when training diverged.</summary>
    public bool Failed { get; init; }

    /// <summary>Images trained on and validated on.</summary>
    public int TrainCount { get; init; }

    /// <summary>Images in the validation split.</summary>
    public int ValidationCount { get; init; }

    /// <summary>Optimiser steps the run took, over all its phases (the budget two runs compare on).</summary>
    public long Steps { get; init; }

    /// <summary>Seconds spent computing cached features for the probe.</summary>
    public double FeatureSeconds { get; init; }

    /// <summary>Seconds of the whole run (this process's part of it, after a resume).</summary>
    public double Seconds { get; init; }

    /// <summary>
    /// Seconds of the whole run including the processes before a resume (as far as their checkpoints recorded them).
    /// </summary>
    public double TotalSeconds { get; init; }
}
