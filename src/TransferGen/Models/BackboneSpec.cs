using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferGen.Models;

/// <summary>Where a backbone's weights and architecture come from, and under which licence.</summary>
/// <param name="Source">Origin of the architecture and weights (a URL, package or paper).</param>
/// <param name="Licence">Licence of the weights (or of the code, when weights come from the user).</param>
public sealed record BackboneMeta(string Source, string Licence);

/// <summary>
/// A named group of a backbone's layers, in forward order, used by <c>--freeze until:STAGE</c>. A parameter or
/// module belongs to the stage when its name (as in the backbone's state dict) starts with one of the prefixes.
/// </summary>
/// <param name="Name">Stage name ("stem", "layer1", "block3", ...).</param>
/// <param name="Prefixes">State-dict name prefixes, each ending with a dot ("layer1.", "features.5.").</param>
public sealed record BackboneStage(string Name, IReadOnlyList<string> Prefixes)
{
    /// <summary>True when the parameter or module called <paramref name="name"/> belongs to this stage.</summary>
    public bool Contains(string name) => Prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal) || name + "." == p);
}

/// <summary>
/// Everything needed to build and use one backbone: the architecture, where weights come from, how input is
/// prepared, what it outputs, and how it is cut into stages (in the spirit of torchvision's weights enums and
/// timm's pretrained configs). A backbone module maps images [N, C, H, W] to pooled features [N, FeatureDim].
/// </summary>
/// <param name="Name">Registry name (<c>--backbone NAME</c>).</param>
/// <param name="CreateArchitecture">Builds the backbone with random initialisation (no classifier).</param>
/// <param name="CreatePretrained">
/// Builds it with weights that ship with TransferGen (an imported ONNX model, say); null when the weights must
/// come from a user file (<c>--weights</c>) or the run is from scratch.
/// </param>
/// <param name="WeightsDescription">Where the weights come from, in words, for listings.</param>
/// <param name="Preprocessing">Input preparation the weights expect.</param>
/// <param name="Meta">Source and licence.</param>
/// <param name="FeatureDim">Length of the feature vector the backbone outputs.</param>
/// <param name="Stages">The stages in forward order (for partial freezing).</param>
/// <param name="FirstConv">Name of the first convolution module (for adapting it to one input channel).</param>
/// <param name="ClassifierPrefixes">
/// State-dict prefixes of the original classifier in weight files ("fc.", "classifier."), ignored when loading.
/// </param>
public sealed record BackboneSpec(
    string Name,
    Func<Module<Tensor, Tensor>> CreateArchitecture,
    Func<Module<Tensor, Tensor>>? CreatePretrained,
    string WeightsDescription,
    Preprocessing Preprocessing,
    BackboneMeta Meta,
    int FeatureDim,
    IReadOnlyList<BackboneStage> Stages,
    string FirstConv,
    IReadOnlyList<string> ClassifierPrefixes)
{
    /// <summary>Input sides must be a multiple of this (1: any size) for the network's feature maps to line up.</summary>
    public int InputSizeMultiple { get; init; } = 1;

    /// <summary>
    /// Channels of the images the weights were trained on, when known (a backbone from a run folder): for 1, colour
    /// data is converted to gray before the backbone, as its training data was; gray data reaches a backbone trained on
    /// colour as <see cref="GrayscaleMode"/> says. Null: nothing is known beyond <see cref="Preprocessing"/>.
    /// </summary>
    public int? InputChannels { get; init; }

    /// <summary>
    /// The registered name of the architecture this backbone builds, when that is not <see cref="Name"/>: a run folder
    /// used as a backbone (<c>--backbone RUN</c>) names the registry entry its chain of runs started from, so its
    /// structure can be rebuilt from the registry alone (as the pretrained-feature discriminator does on a resume).
    /// Null: <see cref="Name"/> itself.
    /// </summary>
    public string? Architecture { get; init; }

    /// <summary>The stage called <paramref name="name"/>; an <see cref="InputException"/> listing the stages when absent.</summary>
    public BackboneStage Stage(string name) =>
        Stages.FirstOrDefault(s => s.Name == name)
        ?? throw new InputException($"Backbone '{Name}' has no stage '{name}' (its stages are: {string.Join(", ", Stages.Select(s => s.Name))}).");
}
