using System.Text.Json;
using Google.Protobuf;
using TransferGen.Generation;
using TransferGen.IO;
using TransferGen.Training;
using TransferGen.Transfer;

namespace TransferGen.Deploy;

/// <summary>What an export wrote.</summary>
/// <param name="Path">The .onnx file (absolute).</param>
/// <param name="Kind">"classifier" or "generator".</param>
/// <param name="Contract">The inputs and outputs in words (also the file's doc string).</param>
/// <param name="Nodes">Nodes in the graph.</param>
/// <param name="Bytes">Size of the file.</param>
/// <param name="Metadata">The file's metadata_props.</param>
public sealed record OnnxExportResult(string Path, string Kind, string Contract, int Nodes, long Bytes, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// Writes trained TransferGen models as ONNX files (opset 17, IR version 8) that ONNX Runtime and ML.NET run without
/// TorchSharp: fine-tuned classifiers with their resize and preprocessing inside the graph (<see cref="Classifier"/>) and GAN
/// generators (<see cref="Generator"/>). The file is written atomically and never replaces an existing one; a model with a
/// layer the exporter does not know is an <see cref="OnnxExportException"/> naming it, and leaves no file.
/// </summary>
/// <example>
/// <code>
/// using var model = ImageClassifier.Load("runs/shirts");
/// OnnxExporter.Classifier(model, "shirts.onnx");
/// </code>
/// </example>
public static class OnnxExporter
{
    /// <summary>Metadata key of the class names (a JSON array, by label).</summary>
    public const string ClassesKey = "classes";

    /// <summary>Exports the run folder at <paramref name="runFolder"/>, a classifier run or a GAN run, to <paramref name="path"/>.</summary>
    /// <exception cref="InputException">The folder is missing, incomplete or of another kind, or the output cannot be written.</exception>
    public static OnnxExportResult Run(string runFolder, string path)
    {
        CheckOutput(path);
        var run = RunFolder.Existing(runFolder);
        var kind = RunFolder.ReadKind(run.Path);
        if (kind == GanRunConfig.RunKind)
        {
            using var generator = ImageGenerator.Load(runFolder);
            return Generator(generator, path);
        }
        if (kind is not null && RunConfig.Kinds.Contains(kind))
        {
            using var classifier = ImageClassifier.Load(runFolder);
            return Classifier(classifier, path);
        }
        throw new InputException(kind is null
            ? $"{runFolder}: its config.json names no run kind, so the exporter cannot tell a classifier from a generator (train it again with this version)."
            : $"{runFolder} is a '{kind}' run; export takes a finetune, pretrain or gan run.");
    }

    /// <summary>Exports <paramref name="model"/>: input pixels 0..255 at its image size, output class probabilities.</summary>
    public static OnnxExportResult Classifier(ImageClassifier model, string path)
    {
        CheckOutput(path);
        var (graph, _) = ClassifierGraph.Build(model);
        var config = model.Config;
        var metadata = new Dictionary<string, string>
        {
            ["kind"] = "classifier",
            [ClassesKey] = JsonSerializer.Serialize(config.Classes),
            ["input_name"] = ClassifierGraph.InputName,
            // The size the network works at; any other H×W is resized to it inside the graph.
            ["input_shape"] = $"[N, {config.DataChannels}, {config.Options.ImageSize}, {config.Options.ImageSize}]",
            ["input_resize"] = "any H×W, resized inside as transfergen does (bilinear, antialiased when shrinking, rounded)",
            ["input_channels"] = config.DataChannels == 3 ? "RGB" : "gray",
            ["input_range"] = "0..255",
            ["output_name"] = ClassifierGraph.OutputName,
            ["backbone"] = RunBackbone.IsFolderName(config.Backbone) ? "run " + Path.GetFileName(config.Backbone) : config.Backbone,
        };
        return Write(graph, path, "classifier", ClassifierGraph.Contract(model), metadata, model.Folder);
    }

    /// <summary>Exports <paramref name="generator"/>: inputs z (and the class for a conditional model), output images in [0, 1].</summary>
    public static OnnxExportResult Generator(ImageGenerator generator, string path)
    {
        CheckOutput(path);
        var graph = GeneratorGraph.Build(generator);
        var n = generator.Network;
        var metadata = new Dictionary<string, string>
        {
            ["kind"] = "generator",
            ["arch"] = generator.Info.Arch,
            ["latent_name"] = GeneratorGraph.LatentName,
            ["latent_dim"] = n.LatentDim.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["output_name"] = GeneratorGraph.OutputName,
            ["output_shape"] = $"[N, {n.Shape.Channels}, {n.Shape.Height}, {n.Shape.Width}]",
            ["output_range"] = "0..1",
        };
        if (n.ClassCount is not null)
        {
            metadata["class_name"] = GeneratorGraph.ClassName;
            metadata[ClassesKey] = JsonSerializer.Serialize(generator.Classes);
        }
        return Write(graph, path, "generator", GeneratorGraph.Contract(generator), metadata, generator.Folder);
    }

    /// <summary>
    /// An <see cref="InputException"/> before any work when <paramref name="path"/> cannot take a new file: an existing file
    /// or folder there, or a folder that does not exist (the exporter makes no folders, so a typo does not create one).
    /// </summary>
    static void CheckOutput(string path)
    {
        OutputPaths.RequireNewFile(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder)) throw new InputException($"{folder} does not exist; create the folder for {Path.GetFileName(path)} first.");
    }

    static OnnxExportResult Write(OnnxGraphWriter graph, string path, string kind, string contract, Dictionary<string, string> metadata, string? source)
    {
        metadata["producer"] = "TransferGen " + (RunFolder.CurrentVersions()["transfergen"]);
        if (source is not null) metadata["source_run"] = Path.GetFileName(Path.TrimEndingDirectorySeparator(source));
        var model = graph.ToModel(contract, metadata);
        var full = Path.GetFullPath(path);
        // Checked again at the end: the export takes a while, and another program may have made the file meanwhile.
        OutputPaths.RequireNewFile(full);
        AtomicFile.Write(full, stream => model.WriteTo(stream));
        return new OnnxExportResult(full, kind, contract, graph.NodeCount, new FileInfo(full).Length, metadata);
    }
}
