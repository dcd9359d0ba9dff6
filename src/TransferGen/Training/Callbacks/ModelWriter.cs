using static TorchSharp.torch;

namespace TransferGen.Training.Callbacks;

/// <summary>
/// Writes <paramref name="module"/>'s weights to <paramref name="path"/> (atomically, TorchSharp format) at the end of
/// every epoch and when the run is cancelled: for runs whose deliverable is simply the latest weights (a GAN's EMA
/// generator), where <see cref="BestModelSelection"/> has no score to choose by.
/// </summary>
/// <param name="module">The module to save.</param>
/// <param name="path">The file (model.pt).</param>
public sealed class ModelWriter(nn.Module module, string path) : ICallback
{
    /// <summary>With the checkpoint writer, after the loggers.</summary>
    public int Order => 190;

    /// <inheritdoc />
    public void AfterEpoch(TrainingContext context) => RunFolder.SaveWeights(module, path);

    /// <inheritdoc />
    public void AfterCancel(TrainingContext context) => RunFolder.SaveWeights(module, path);
}
