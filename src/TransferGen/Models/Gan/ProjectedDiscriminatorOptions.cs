namespace TransferGen.Models.Gan;

/// <summary>Where the frozen backbone of a <see cref="ProjectedDiscriminator"/> gets its weights when the discriminator is rebuilt.</summary>
public enum FrozenBackboneWeights
{
    /// <summary>From the backbone registry (weights that ship with TransferGen): nothing of the backbone is saved with the run.</summary>
    Registry,

    /// <summary>
    /// From the run's own checkpoint: the stages the discriminator taps are saved in it (a fine-tuned classifier's
    /// backbone, <c>--d-backbone RUN</c>), so a resume needs neither that run folder nor its later changes.
    /// </summary>
    Checkpoint,
}

/// <summary>
/// The pretrained-feature discriminator (Projected GAN, Sauer et al. 2021): which frozen backbone it looks through, at
/// which input resolution, and which stages it taps. Part of <see cref="GanOptions"/> (so config.json records it).
/// The first three properties are the user's choice; <see cref="Resolve"/> fills in the rest from the backbone when
/// training starts, and a resume rebuilds the same discriminator from them alone.
/// </summary>
public sealed record ProjectedDiscriminatorOptions
{
    /// <summary>The backbone used when none is named: the ImageNet ResNet18 that ships with TransferGen.</summary>
    public const string DefaultBackbone = "resnet18-imagenet";

    /// <summary>Largest <see cref="DResolution"/> accepted.</summary>
    public const int MaxResolution = 512;

    /// <summary>
    /// The frozen feature network: a registered backbone with built-in weights (<see cref="DefaultBackbone"/>), or the
    /// run folder of a <c>transfergen finetune</c> or <c>pretrain</c> (its absolute path once resolved).
    /// </summary>
    public string DBackbone { get; init; } = DefaultBackbone;

    /// <summary>
    /// Side of the square input the backbone sees: the images are upsampled to it (bilinear, differentiable). At least
    /// the image size, a multiple of the backbone's <see cref="BackboneSpec.InputSizeMultiple"/>. Default 64, chosen by
    /// measurement (docs/projected-discriminator.md).
    /// </summary>
    public int DResolution { get; init; } = 64;

    /// <summary>
    /// The backbone stages whose output maps each get a fixed random 1×1 projection and a small trainable head, in
    /// forward order. Default layer1, layer2, layer3, chosen by measurement (docs/projected-discriminator.md).
    /// </summary>
    public IReadOnlyList<string> DStages { get; init; } = ["layer1", "layer2", "layer3"];

    /// <summary>Seed of the fixed 1×1 projections (cross-channel mixing); null until resolved (then derived from the run's seed).</summary>
    public long? ProjectionSeed { get; init; }

    /// <summary>The registered architecture the backbone is built as (for a run folder, the one its chain of runs started from); null until resolved.</summary>
    public string? Architecture { get; init; }

    /// <summary>Where a rebuilt discriminator takes the backbone's weights from; null until resolved.</summary>
    public FrozenBackboneWeights? Weights { get; init; }

    /// <summary>The backbone's input preparation (pixel range, channel order, mean and std); null until resolved.</summary>
    public Preprocessing? Preprocessing { get; init; }

    /// <summary>True when the backbone was trained on gray images: colour images are converted to gray first, as its training data was.</summary>
    public bool GrayBackbone { get; init; }

    /// <summary>SHA-256 of the tapped stages' frozen weights when training started, checked again on every resume; null until the run starts.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>True when the fields that rebuild the discriminator are filled in (<see cref="Resolve"/> was applied).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsResolved => Architecture is not null && Weights is not null && Preprocessing is not null && ProjectionSeed is not null;

    /// <summary>
    /// These options with everything a rebuild needs taken from <paramref name="spec"/>, the backbone
    /// <see cref="DBackbone"/> named: a registered backbone is rebuilt from the registry, any other (a run folder's)
    /// from the checkpoint. An <see cref="InvalidOptionException"/> when the backbone has no built-in weights.
    /// </summary>
    /// <param name="spec">The backbone.</param>
    /// <param name="projectionSeed">Seed of the projections, unless <see cref="ProjectionSeed"/> is set.</param>
    public ProjectedDiscriminatorOptions Resolve(BackboneSpec spec, long projectionSeed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.CreatePretrained is null)
            throw new InvalidOptionException($"Backbone '{Escape(spec.Name)}' has no built-in weights, so it cannot be the frozen features of {{0}}: " +
                                             $"give a pretrained one ({DefaultBackbone}) or the run folder of a `transfergen finetune`.", P(nameof(DBackbone)));
        var registered = spec.Architecture is null;
        return this with
        {
            DBackbone = spec.Name,
            Architecture = spec.Architecture ?? spec.Name,
            Weights = registered ? FrozenBackboneWeights.Registry : FrozenBackboneWeights.Checkpoint,
            Preprocessing = spec.Preprocessing,
            GrayBackbone = spec.InputChannels == 1,
            ProjectionSeed = ProjectionSeed ?? projectionSeed,
        };
    }

    /// <summary>
    /// Checks these options against the backbone <paramref name="spec"/> and images of <paramref name="imageSize"/> px:
    /// an <see cref="InvalidOptionException"/> naming the first problem.
    /// </summary>
    public void Validate(BackboneSpec spec, int imageSize)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Validate();
        foreach (var stage in DStages)
            if (spec.Stages.All(s => s.Name != stage))
                throw new InvalidOptionException($"Backbone '{Escape(spec.Name)}' has no stage '{Escape(stage)}' for {{0}} (its stages are: {string.Join(", ", spec.Stages.Select(s => s.Name))}).", P(nameof(DStages)));
        var order = DStages.Select(stage => spec.Stages.ToList().FindIndex(s => s.Name == stage)).ToList();
        if (order.Zip(order.Skip(1)).Any(pair => pair.Second <= pair.First))
            throw new InvalidOptionException($"{{0}} must list stages in forward order without repeats (got {string.Join(",", DStages)}; the backbone's order is {string.Join(", ", spec.Stages.Select(s => s.Name))}).", P(nameof(DStages)));
        if (DResolution % spec.InputSizeMultiple != 0)
            throw new InvalidOptionException($"{{0}} must be a multiple of {spec.InputSizeMultiple} for backbone '{Escape(spec.Name)}' (got {DResolution}).", P(nameof(DResolution)));
        if (DResolution < imageSize)
            throw new InvalidOptionException($"{{0}} ({DResolution}) is smaller than the {imageSize}-px images: the discriminator upsamples them and never shrinks them, so give at least {imageSize}.", P(nameof(DResolution)));
    }

    /// <summary>Checks what can be checked without the backbone: an <see cref="InvalidOptionException"/> naming the first problem.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DBackbone)) throw new InvalidOptionException("{0} must name a backbone.", P(nameof(DBackbone)));
        if (DStages.Count == 0) throw new InvalidOptionException("{0} must name at least one backbone stage.", P(nameof(DStages)));
        if (DResolution is < 16 or > MaxResolution)
            throw new InvalidOptionException($"{{0}} must be between 16 and {MaxResolution} (got {DResolution}).", P(nameof(DResolution)));
    }

    static string P(string property) => $"{nameof(ProjectedDiscriminatorOptions)}.{property}";

    static string Escape(string text) => text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);
}
