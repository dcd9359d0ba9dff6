using TransferGen.Data;
using TransferGen.Models.Gan;
using TransferGen.Training;

namespace TransferGen.Generation;

/// <summary>What a trained generator needs to be rebuilt (from a GAN run's config.json).</summary>
/// <param name="Arch">Architecture name for GanFactory.</param>
/// <param name="Channels">Image channels.</param>
/// <param name="ImageSize">Image side in pixels.</param>
/// <param name="Classes">Class names of the training data, indexed by label (what a conditional generator's labels mean).</param>
/// <param name="Conditional">True when the generator takes class labels.</param>
/// <param name="Model">Architecture options.</param>
public sealed record GanModelInfo(string Arch, int Channels, int ImageSize, IReadOnlyList<string> Classes, bool Conditional, GanOptions Model)
{
    /// <summary>The generated images' shape.</summary>
    public ImageShape Shape => new(Channels, ImageSize, ImageSize);
}

/// <summary>
/// The deliverable of a GAN run: the EMA generator's weights in <c>RUN/model.pt</c> (TorchSharp's state-dict format,
/// written atomically after every epoch, so even an interrupted run leaves a usable model), described by config.json.
/// </summary>
public static class GanModelFiles
{
    /// <summary>Epochs the run in <paramref name="run"/> has finished (its checkpoint's count; 0 without one).</summary>
    public static int EpochsTrained(string run) => Checkpoint.Open(Path.Combine(run, Checkpoint.FileName))?.State.EpochsCompleted ?? 0;

    /// <summary>Rebuilds the generator of <paramref name="run"/> with its trained (EMA) weights, in eval mode on the CPU.</summary>
    public static (GanGenerator Generator, GanModelInfo Info) Load(string run)
    {
        var folder = RunFolder.Existing(run);
        var info = GanRunConfig.Read(folder).ModelInfo;
        if (!File.Exists(folder.ModelPath))
            throw new InputException($"{run} holds no trained generator yet (model.pt is missing: the run finished no epoch).");
        var generator = GanFactory.CreateGenerator(info.Arch, info.Shape, info.Classes.Count, info.Model);
        try
        {
            RunFolder.LoadWeights(generator, folder.ModelPath);
        }
        catch
        {
            generator.Dispose();
            throw;
        }
        generator.eval();
        return (generator, info);
    }
}
