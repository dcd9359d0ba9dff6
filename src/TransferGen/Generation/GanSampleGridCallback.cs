using TransferGen.Imaging;
using TransferGen.Models.Gan;
using TransferGen.Training;
using static TorchSharp.torch;

namespace TransferGen.Generation;

/// <summary>
/// After every epoch, draws the same latent points through the EMA generator and writes the grid to
/// <c>RUN/samples/epoch-XXX.png</c> and <c>RUN/samples/latest.png</c> (atomically), so a user can watch the
/// generator learn: the noise never changes, so differences between grids are the training's doing. A conditional
/// generator gets one row per class (at most the first <see cref="MaxClassRows"/> classes).
/// </summary>
internal sealed class GanSampleGridCallback : ICallback
{
    /// <summary>Most class rows in a conditional grid.</summary>
    public const int MaxClassRows = 10;

    const int PerRow = 8;
    readonly IGenerator _generator;
    readonly string _folder;
    readonly Tensor _noise;
    readonly Tensor? _labels;

    /// <summary>Creates the callback.</summary>
    /// <param name="generator">The generator to sample (the EMA copy).</param>
    /// <param name="run">The run folder.</param>
    /// <param name="seed">Seed of the fixed noise.</param>
    public GanSampleGridCallback(IGenerator generator, string run, long seed)
    {
        _generator = generator;
        _folder = Path.Combine(run, "samples");
        var rows = generator.ClassCount is int k ? Math.Min(k, MaxClassRows) : PerRow;
        // Detached: the tensors live for the whole run, across the loop's per-step scopes.
        _noise = GanSampling.FixedNoise(rows * PerRow, generator.LatentDim, seed).DetachFromDisposeScope();
        _labels = generator.ClassCount is null ? null : GanSampling.ClassRowLabels(rows, PerRow).DetachFromDisposeScope();
    }

    /// <summary>With the loggers, after the checkpoint writer (90): no grid for an epoch the checkpoint does not hold.</summary>
    public int Order => 100;

    /// <summary>Path of the grid of the most recent epoch.</summary>
    public string LatestPath => Path.Combine(_folder, "latest.png");

    /// <inheritdoc />
    public void AfterEpoch(TrainingContext context)
    {
        using var grid = GanSampling.Grid(_generator, _noise, _labels, nrow: PerRow);
        ImageCodec.SavePng(grid, Path.Combine(_folder, $"epoch-{context.Epoch + 1:D3}.png"));
        ImageCodec.SavePng(grid, LatestPath);
    }

    /// <inheritdoc />
    public void AfterFit(TrainingContext context)
    {
        _noise.Dispose();
        _labels?.Dispose();
    }
}
