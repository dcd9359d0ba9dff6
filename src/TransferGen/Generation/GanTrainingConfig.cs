using System.Text.Json;
using TransferGen.Data;
using TransferGen.Generation.Augmentation;
using TransferGen.Imaging;
using TransferGen.IO;
using TransferGen.Models.Gan;

namespace TransferGen.Generation;

/// <summary>
/// Every option of one GAN training run. Stored as <c>config.json</c> in the run folder and inside each checkpoint,
/// so a resume rebuilds exactly the same data pipeline and networks.
/// </summary>
public sealed record GanTrainingConfig
{
    /// <summary>Dataset spec: a builtin name or a folder (as DatasetResolver takes it).</summary>
    public string Data { get; init; } = "";

    /// <summary>Fail on the first image file of an ImageFolder that cannot be used, instead of skipping it (<see cref="DatasetOptions.Strict"/>).</summary>
    public bool Strict { get; init; }

    /// <summary>The pixel limit of an ImageFolder's files (<see cref="DatasetOptions.MaxImagePixels"/>).</summary>
    public long MaxImagePixels { get; init; } = ImageCodec.DefaultMaxPixels;

    /// <summary>
    /// Train on these classes only (indices or names, see <see cref="DatasetOptions.Classes"/>), relabelled 0..k−1 in this
    /// order and keeping their names; all classes when null. A run records them by name in config.json.
    /// </summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>The options that load <see cref="Data"/>: strictness, pixel limit, <see cref="Classes"/> and <see cref="Seed"/> (of a folder's train/test split).</summary>
    public DatasetOptions ToDatasetOptions() => new() { Strict = Strict, MaxImagePixels = MaxImagePixels, Seed = Seed, Classes = Classes };

    /// <summary>Architecture: "mlp", "dcgan" or "cdcgan".</summary>
    public string Arch { get; init; } = "dcgan";

    /// <summary>Side of the square training images in pixels (28, 32 or 64 for the DCGANs); null means the
    /// dataset's size when supported, else 32.</summary>
    public int? ImageSize { get; init; }

    /// <summary>Total number of epochs of the run (a resume may raise it).</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Seed of the weights, the data order and subsets, and every latent draw.</summary>
    public int Seed { get; init; }

    /// <summary>Keep only this many training images per class (few-shot generation); all when null.</summary>
    public int? LabelsPerClass { get; init; }

    /// <summary>Keep only this many training images (a seeded random subset); all when null.</summary>
    public int? MaxImages { get; init; }

    /// <summary>
    /// Images per step (the last incomplete batch of an epoch is dropped). Default <see cref="DefaultBatchSize"/>.
    /// </summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>
    /// 32, by measurement (scripts/gan-default-candidates.sh): on 6,000 Fashion-MNIST images for 5 epochs, twice the
    /// updates of batch 64 took DCGAN's FID (ResNet18 features, mean of seeds 0–2) from 1535 to 1199. Batch 64 was the default
    /// before 2026-12-02 and stays one option away.
    /// </summary>
    public const int DefaultBatchSize = 32;

    /// <summary>Weight of the old average in the EMA generator per step.</summary>
    public double EmaDecay { get; init; } = 0.999;

    /// <summary>
    /// The device to train on (the CPU by default). Not among the recorded options: a run may be resumed, and its model
    /// loaded, on another device; config.json notes the device it trained on.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TorchSharp.torch.Device Device { get; init; } = TorchSharp.torch.CPU;

    /// <summary>
    /// Turns a <see cref="ProjectedDiscriminatorOptions.DBackbone"/> that is not a registered backbone name (a run
    /// folder) into a backbone, or returns null when it cannot. The CLI passes Transfer's run-folder resolver (this layer
    /// cannot see run folders of classifiers); null accepts registered names only. Only a new run needs it: a resume
    /// rebuilds the discriminator from config.json and the checkpoint. Not among the recorded options.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Func<string, Models.BackboneSpec?>? BackboneResolver { get; init; }

    /// <summary>A smoke run: a couple of steps on a few images, to exercise the real code path in seconds.</summary>
    public bool DryRun { get; init; }

    /// <summary>Consecutive steps with a discriminator loss below <see cref="CollapseThreshold"/> that count as
    /// divergence (not used with WGAN-GP, whose critic loss is not bounded below by 0).</summary>
    public int CollapseSteps { get; init; } = 200;

    /// <summary>Discriminator loss under which D is taken to have won outright.</summary>
    public double CollapseThreshold { get; init; } = 1e-3;

    /// <summary>
    /// A finished GAN run to start G, D and the EMA generator from (GAN transfer, see <see cref="GanTransfer"/>), with fresh
    /// optimisers; its architecture, image size, channels and network options must match. Null starts from random weights.
    /// </summary>
    public string? InitFrom { get; init; }

    /// <summary>The discriminator's first feature blocks to freeze (FreezeD): no gradient, BatchNorm in eval mode. 0 freezes none.</summary>
    public int FreezeD { get; init; }

    /// <summary>
    /// Differentiable augmentation of everything the discriminator sees (<see cref="DiffAugment.Parse"/>):
    /// "none" (the default), "diff" (color,translation,cutout) or a comma list of color, translation and cutout.
    /// </summary>
    public string Augmentation { get; init; } = DiffAugment.None;

    /// <summary>
    /// Adapt the probability of each augmentation of <see cref="Augmentation"/> the ADA way
    /// (<see cref="AdaptiveAugmentation"/>), starting from 0; without it every augmentation is
    /// applied to every image (DiffAugment).
    /// </summary>
    public bool Ada { get; init; }

    /// <summary>ADA's target for the overfitting signal r = E[sign(D(real))], in (0, 1). Default 0.6.</summary>
    public double AdaTarget { get; init; } = AdaptiveAugmentation.DefaultTarget;

    /// <summary>
    /// ADA's speed: the images over which p can move from 0 to 1 (p changes by ±(batch × 4) / this every 4 steps).
    /// Default 500,000 (Karras et al.).
    /// </summary>
    public double AdaSpeedImages { get; init; } = AdaptiveAugmentation.DefaultSpeedImages;

    /// <summary>Architecture options (nz, ngf, ndf, spectral norm, ...).</summary>
    public GanOptions Model { get; init; } = new();

    /// <summary>Loss and optimizer options.</summary>
    public GanStepOptions Step { get; init; } = new();

    /// <summary>Serializer settings of config.json: readable names, enums as strings.</summary>
    public static JsonSerializerOptions Json => JsonDefaults.Options;

    /// <summary>Throws <see cref="InvalidOptionException"/> naming the first option out of range.</summary>
    /// <param name="requireData">Whether <see cref="Data"/> must name a dataset (not when the data is passed in memory).</param>
    public void Validate(bool requireData = true)
    {
        if (requireData && string.IsNullOrWhiteSpace(Data)) throw new InvalidOptionException("No dataset given: set {0}.", P(nameof(Data)));
        if (!GanFactory.Architectures.Contains(Arch)) throw new InvalidOptionException($"Unknown GAN architecture '{Arch}' in {{0}} (choose one of: {string.Join(", ", GanFactory.Architectures)}).", P(nameof(Arch)));
        if (ImageSize is < 4 or > 512) throw new InvalidOptionException($"{{0}} must be between 4 and 512 (got {ImageSize}).", P(nameof(ImageSize)));
        if (Epochs < 1) throw new InvalidOptionException($"{{0}} must be at least 1 (got {Epochs}).", P(nameof(Epochs)));
        if (LabelsPerClass is < 1) throw new InvalidOptionException($"{{0}} must be at least 1 (got {LabelsPerClass}).", P(nameof(LabelsPerClass)));
        if (MaxImages is < 1) throw new InvalidOptionException($"{{0}} must be at least 1 (got {MaxImages}).", P(nameof(MaxImages)));
        if (BatchSize < 2) throw new InvalidOptionException($"{{0}} must be at least 2 (BatchNorm needs two images), got {BatchSize}.", P(nameof(BatchSize)));
        if (!(EmaDecay >= 0 && EmaDecay < 1)) throw new InvalidOptionException($"{{0}} must be in [0, 1) (got {EmaDecay}).", P(nameof(EmaDecay)));
        if (FreezeD is < 0 or > 64) throw new InvalidOptionException($"{{0}} must be between 0 and the discriminator's block count (got {FreezeD}).", P(nameof(FreezeD)));
        if (FreezeD > 0 && InitFrom is null) throw new InvalidOptionException("{0} freezes discriminator blocks a source run trained: give {1} too.", P(nameof(FreezeD)), P(nameof(InitFrom)));
        if (InitFrom is not null && string.IsNullOrWhiteSpace(InitFrom)) throw new InvalidOptionException("{0} is empty: name a GAN run folder.", P(nameof(InitFrom)));
        if (CollapseSteps < 1) throw new InvalidOptionException($"{{0}} must be at least 1 step (got {CollapseSteps}).", P(nameof(CollapseSteps)));
        var augment = DiffAugment.Parse(Augmentation ?? DiffAugment.None, P(nameof(Augmentation)));
        if (Ada && augment.IsEmpty)
            throw new InvalidOptionException("{0} adapts the probability of the augmentations of {1}, which is none: give a policy (diff, say).",
                P(nameof(Ada)), P(nameof(Augmentation)));
        if (!(AdaTarget > 0 && AdaTarget < 1)) throw new InvalidOptionException($"{{0}} must be between 0 and 1 (got {AdaTarget}).", P(nameof(AdaTarget)));
        if (!(AdaSpeedImages >= 1 && double.IsFinite(AdaSpeedImages))) throw new InvalidOptionException($"{{0}} must be at least 1 image (got {AdaSpeedImages}).", P(nameof(AdaSpeedImages)));
        ClassSelection.CheckRequest(Classes, P(nameof(Classes)));
        Model.Validate();
        Step.Validate();
    }

    static string P(string property) => $"{nameof(GanTrainingConfig)}.{property}";

    /// <summary>Writes this config as JSON to <paramref name="path"/> atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    /// <summary>This config as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses a config written by <see cref="ToJson"/>.</summary>
    public static GanTrainingConfig FromJson(string json, string source) =>
        JsonSerializer.Deserialize<GanTrainingConfig>(json, Json)
        ?? throw new InputException($"{source} holds no GAN training config.");

    /// <summary>Reads a run's config.json; an <see cref="InputException"/> when it is missing or malformed.</summary>
    public static GanTrainingConfig Load(string path)
    {
        if (!File.Exists(path)) throw new InputException($"{path}: no such file (is this a `gan train` run folder?).");
        try
        {
            return FromJson(File.ReadAllText(path), path);
        }
        catch (JsonException e)
        {
            throw new InputException($"{path} is not a valid GAN training config ({e.Message}).", e);
        }
    }
}
