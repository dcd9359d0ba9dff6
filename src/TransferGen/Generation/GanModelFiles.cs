using System.Text.Json;
using TransferGen.Data;
using TransferGen.IO;
using TransferGen.Models.Gan;

namespace TransferGen.Generation;

/// <summary>What a trained generator needs to be rebuilt: <c>RUN/model/model.json</c>.</summary>
/// <param name="Arch">Architecture name for GanFactory.</param>
/// <param name="Channels">Image channels.</param>
/// <param name="ImageSize">Image side in pixels.</param>
/// <param name="Classes">Class names of the training data, indexed by label (what a conditional generator's labels mean).</param>
/// <param name="Conditional">True when the generator takes class labels.</param>
/// <param name="Model">Architecture options.</param>
/// <param name="Epochs">Epochs trained when the weights were written.</param>
public sealed record GanModelInfo(string Arch, int Channels, int ImageSize, IReadOnlyList<string> Classes, bool Conditional,
    GanOptions Model, int Epochs)
{
    /// <summary>The generated images' shape.</summary>
    public ImageShape Shape => new(Channels, ImageSize, ImageSize);
}

/// <summary>
/// The deliverable of a run, separate from the checkpoint: the EMA generator's weights (<c>model/generator.bin</c>,
/// TorchSharp's state-dict format) and <see cref="GanModelInfo"/> (<c>model/model.json</c>). Both are written
/// atomically after every epoch, so even an interrupted run leaves a usable model.
/// </summary>
public static class GanModelFiles
{
    /// <summary>Folder of the model files inside a run folder.</summary>
    public static string Folder(string run) => Path.Combine(run, "model");

    /// <summary>Writes the generator weights and their description.</summary>
    public static void Save(string run, GanGenerator generator, GanModelInfo info)
    {
        var folder = Folder(run);
        AtomicFile.Write(Path.Combine(folder, "generator.bin"), stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            generator.save(writer);
        });
        AtomicFile.WriteAllText(Path.Combine(folder, "model.json"), JsonSerializer.Serialize(info, GanTrainingConfig.Json));
    }

    /// <summary>Reads the description; an <see cref="InputException"/> when <paramref name="run"/> is not a trained run.</summary>
    public static GanModelInfo LoadInfo(string run)
    {
        if (!Directory.Exists(run)) throw new InputException($"{run}: no such run folder.");
        var path = Path.Combine(Folder(run), "model.json");
        if (!File.Exists(path)) throw new InputException($"{run} holds no trained generator (model/model.json is missing; train with `gan train` first).");
        try
        {
            return JsonSerializer.Deserialize<GanModelInfo>(File.ReadAllText(path), GanTrainingConfig.Json)
                   ?? throw new InputException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new InputException($"{path} is not a valid model description ({e.Message}).", e);
        }
    }

    /// <summary>Rebuilds the generator of <paramref name="run"/> with its trained (EMA) weights, in eval mode on the CPU.</summary>
    public static (GanGenerator Generator, GanModelInfo Info) Load(string run)
    {
        var info = LoadInfo(run);
        var weights = Path.Combine(Folder(run), "generator.bin");
        if (!File.Exists(weights)) throw new InputException($"{weights}: no such file (the run folder is incomplete).");
        var generator = GanFactory.CreateGenerator(info.Arch, info.Shape, info.Classes.Count, info.Model);
        using (var reader = new BinaryReader(File.OpenRead(weights)))
            generator.load(reader);
        generator.eval();
        return (generator, info);
    }
}
