using TransferGen.Scoring;
using TransferGen.SyntheticData;

namespace TransferGen.Quickstart;

/// <summary>One classifier of the quickstart.</summary>
/// <param name="Name">What it is ("pretrained", "from scratch", "pretrained + generated").</param>
/// <param name="Folder">Its run folder.</param>
/// <param name="TestAccuracy">Accuracy on the test images.</param>
/// <param name="Steps">Optimiser steps, both phases.</param>
/// <param name="Seconds">Wall-clock seconds of its fine-tune, test included.</param>
public sealed record QuickstartClassifier(string Name, string Folder, double TestAccuracy, long Steps, double Seconds);

/// <summary>One step of the quickstart, as the summary lists it.</summary>
/// <param name="Name">The step.</param>
/// <param name="Seconds">Its wall-clock seconds.</param>
public sealed record QuickstartStep(string Name, double Seconds);

/// <summary>What <see cref="QuickstartJob.Run"/> measured; also written to quickstart.json in its folder.</summary>
public sealed record QuickstartResult
{
    /// <summary>The data as asked for ("fashion-mnist").</summary>
    public required string Data { get; init; }

    /// <summary>What was actually read: the full dataset or the embedded sample ("fashion-mnist (embedded sample)").</summary>
    public required string DataFormat { get; init; }

    /// <summary>The options it ran with.</summary>
    public required QuickstartOptions Options { get; init; }

    /// <summary>Real training images of both classifiers and the GAN (the labelled images less validation).</summary>
    public required int TrainImages { get; init; }

    /// <summary>Test images every classifier was scored on.</summary>
    public required int TestImages { get; init; }

    /// <summary>The ImageNet ResNet18 fine-tuned on the labelled images.</summary>
    public required QuickstartClassifier Pretrained { get; init; }

    /// <summary>The same network and budget from random weights.</summary>
    public required QuickstartClassifier Scratch { get; init; }

    /// <summary>The pretrained fine-tune again, half of each epoch images the GAN generated.</summary>
    public required QuickstartClassifier Augmented { get; init; }

    /// <summary>The GAN's run folder.</summary>
    public required string GanFolder { get; init; }

    /// <summary>Seconds the GAN trained.</summary>
    public required double GanSeconds { get; init; }

    /// <summary>Generated images against real test images (FID, KID, precision, recall).</summary>
    public required ImageSetScores Generated { get; init; }

    /// <summary>Real training images against the same test images: the floor the generated score is read against.</summary>
    public required ImageSetScores Floor { get; init; }

    /// <summary>How often the pretrained classifier agrees with the class the GAN was asked for.</summary>
    public required ClassAgreementReport Agreement { get; init; }

    /// <summary>The augmented fine-tune beside its real-only twin (one seed).</summary>
    public required GanAugmentedSeed Augment { get; init; }

    /// <summary>Each step's wall-clock time, in the order they ran.</summary>
    public required IReadOnlyList<QuickstartStep> Steps { get; init; }

    /// <summary>Wall-clock seconds of the whole quickstart (the report included).</summary>
    public double Seconds { get; init; }

    /// <summary>The CPU, cores and LibTorch threads it ran on.</summary>
    public required string Machine { get; init; }

    /// <summary>When it started (UTC).</summary>
    public required DateTimeOffset Started { get; init; }

    /// <summary>Pretrained − scratch test accuracy.</summary>
    public double TransferGain => Pretrained.TestAccuracy - Scratch.TestAccuracy;
}
