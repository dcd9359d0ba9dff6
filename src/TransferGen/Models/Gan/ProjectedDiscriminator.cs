using TorchSharp;
using TorchSharp.Modules;
using TransferGen.Data;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferGen.Models.Gan;

/// <summary>
/// A discriminator that looks through a frozen pretrained network (Projected GAN, Sauer et al. 2021): transfer learning
/// inside the GAN. The images are prepared as the backbone expects, inside the discriminator and differentiably; the
/// backbone's early stages give feature maps at several scales; each map passes through a fixed random 1×1 projection
/// (cross-channel mixing) into a small trainable head that ends in a logit map; the score is the mean over scales of
/// each scale's logit, plus, for a conditional model, a projection term per scale. Shapes for the defaults
/// (ImageNet ResNet18 at 64 px, layer1–3; B = batch):
/// <list type="table">
/// <item><term>input</term><description>[B, 1, 32, 32] in [-1, 1] → [B, 3, 64, 64] BGR 0..255 minus the channel means</description></item>
/// <item><term>layer1</term><description>[B, 64, 16, 16] → CCM → [B, 64, 16, 16] → [B, 128, 8, 8] → φ [B, 256, 4, 4] → logit [B]</description></item>
/// <item><term>layer2</term><description>[B, 128, 8, 8] → CCM → [B, 128, 8, 8] → φ [B, 256, 4, 4] → logit [B]</description></item>
/// <item><term>layer3</term><description>[B, 256, 4, 4] → CCM → φ [B, 256, 4, 4] → logit [B]</description></item>
/// <item><term>score</term><description>mean of the three logits (+ ⟨embed_s(y), mean φ_s⟩ per scale when conditional): [B]</description></item>
/// </list>
/// </summary>
/// <remarks>
/// <para>The preparation maps [-1, 1] to the backbone's pixel range, converts colour to gray for a backbone trained on
/// gray images, upsamples bilinearly to <see cref="ProjectedDiscriminatorOptions.DResolution"/>, replicates gray to the
/// backbone's three channels, reorders RGB to BGR where the backbone wants it, then subtracts its mean and divides by
/// its std — the differentiable counterpart of a classifier's input pipeline.</para>
/// <para>The backbone's parameters never require gradients and it stays in eval mode, so a D update changes only the
/// heads, while a G update's gradients flow through it to the images. Each head is a few of Projected GAN's down
/// blocks (stride-2 4×4 convolution with spectral norm, BatchNorm, LeakyReLU(0.2)) down to a map of at most 4×4 φ
/// (none when the map is that small already), then a spectral-norm convolution over the whole of φ to one logit, as
/// DCGAN's last layer. Spectral norm is always on in the heads (as in Projected GAN), whatever
/// <see cref="GanOptions.SpectralNorm"/> says; BatchNorm follows <see cref="GanOptions.DiscriminatorBatchNorm"/>
/// (null: on). The projections are drawn from
/// <see cref="ProjectedDiscriminatorOptions.ProjectionSeed"/> and kept as buffers (state-dict keys
/// <c>scales.N.ccm</c>), so they are fixed, saved with the discriminator and identical when it is rebuilt.</para>
/// <para>The state dict (what a checkpoint saves) leaves out the backbone when it is rebuilt from the registry, and
/// keeps only the stages it taps when it comes from a run folder (<see cref="FrozenBackboneWeights"/>): not the 44 MB
/// of the whole ResNet18. Cross-scale mixing (Projected GAN's CSM) is not implemented.</para>
/// </remarks>
public sealed class ProjectedDiscriminator : GanDiscriminator
{
    const string FeaturesKey = "features";
    const string BackboneKey = FeaturesKey + ".backbone.";

    readonly StageTaps features;
    readonly ModuleList<ProjectedScale> scales;
    readonly ProjectedDiscriminatorOptions _options;
    readonly int _backboneChannels;

    /// <summary>
    /// Builds the discriminator for <paramref name="shape"/> (1 or 3 channels, square, at most
    /// <see cref="ProjectedDiscriminatorOptions.DResolution"/> px) from <paramref name="options"/>'s resolved
    /// <see cref="GanOptions.Projected"/>. The backbone comes from the registry: with its built-in weights
    /// (<see cref="FrozenBackboneWeights.Registry"/>), or as the architecture only, whose tapped weights a checkpoint
    /// or <see cref="LoadFrozenBackbone"/> then fills in (<see cref="FrozenBackboneWeights.Checkpoint"/>).
    /// </summary>
    /// <param name="shape">Image shape to judge.</param>
    /// <param name="classCount">Number of classes for a conditional (projection) discriminator, or null.</param>
    /// <param name="options">Architecture options; <see cref="GanOptions.Projected"/> must be resolved.</param>
    /// <exception cref="InputException">The image shape, resolution or stages do not fit the backbone.</exception>
    public ProjectedDiscriminator(ImageShape shape, int? classCount, GanOptions options)
        : base(nameof(ProjectedDiscriminator), shape, classCount, needsLabels: classCount is not null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var p = options.Projected ?? throw new ArgumentException("GanOptions.Projected is not set", nameof(options));
        if (!p.IsResolved) throw new ArgumentException("GanOptions.Projected must be resolved first (ProjectedDiscriminatorOptions.Resolve)", nameof(options));
        CheckShape(shape);
        var spec = BackboneRegistry.Get(p.Architecture!);
        p.Validate(spec, shape.Height);
        _options = p;
        _backboneChannels = p.Preprocessing!.Mean.Count;

        var backbone = BuildBackbone(spec, p);
        try
        {
            features = StageTaps.Create(spec, backbone, p.DStages);
        }
        catch
        {
            backbone.Dispose();
            throw;
        }

        var mapShapes = features.ProbeShapes(_backboneChannels, p.DResolution);
        var list = new List<ProjectedScale>();
        for (var i = 0; i < mapShapes.Count; i++)
            list.Add(new ProjectedScale(mapShapes[i], classCount, options, p.ProjectionSeed!.Value + i));
        scales = new ModuleList<ProjectedScale>(list.ToArray());
        RegisterComponents();
    }

    /// <summary>The resolved options it was built from.</summary>
    public ProjectedDiscriminatorOptions Options => _options;

    /// <summary>The frozen backbone (never trained, always in eval mode).</summary>
    public nn.Module<Tensor, Tensor> Backbone => features.Backbone;

    /// <summary>The trainable parameters: those of the heads and class embeddings (the backbone's are frozen, the projections are buffers).</summary>
    public IEnumerable<Parameter> TrainableParameters() => parameters().Where(q => q.requires_grad);

    /// <summary>The fixed 1×1 projection of each scale, [C, C, 1, 1] (the tensors themselves: do not modify).</summary>
    public IReadOnlyList<Tensor> Projections => scales.Select(s => s.Projection).ToList();

    /// <summary>SHA-256 (hex) of the tapped stages' frozen weights (see <see cref="ProjectedDiscriminatorOptions.Fingerprint"/>).</summary>
    public string BackboneFingerprint() => features.Fingerprint();

    /// <summary>
    /// Copies the tapped stages' weights from <paramref name="backbone"/> (a backbone of the same architecture, e.g. a
    /// fine-tuned classifier's) into the frozen backbone; the caller keeps <paramref name="backbone"/>.
    /// </summary>
    public void LoadFrozenBackbone(nn.Module<Tensor, Tensor> backbone) => features.CopyUsedStateFrom(backbone);

    /// <summary>
    /// The images as the backbone sees them: float [B, C, H, W] in [-1, 1] → [B, C_b, R, R] in the backbone's units (see
    /// the remarks). Differentiable.
    /// </summary>
    public Tensor PrepareInput(Tensor images)
    {
        var p = _options.Preprocessing!;
        var x = images.add(1.0).mul(0.5 * p.PixelScale);                                     // [B, C, H, W] in 0..scale
        if (x.shape[1] == 3 && (_options.GrayBackbone || _backboneChannels == 1))
        {
            using var luma = tensor(Data.Transforms.RgbToGrayscale.LumaWeights.ToArray(), [1L, 3, 1, 1], dtype: x.dtype, device: x.device);
            x = x.mul(luma).sum(1, keepdim: true);                                             // [B, 1, H, W]
        }
        if (x.shape[2] != _options.DResolution || x.shape[3] != _options.DResolution)
            x = functional.interpolate(x, [_options.DResolution, _options.DResolution], mode: InterpolationMode.Bilinear, align_corners: false);
        var replicated = x.shape[1] == 1 && _backboneChannels == 3;
        if (replicated) x = x.expand(-1, 3, -1, -1);                                           // [B, 3, R, R]
        else if (p.Order == ChannelOrder.Bgr && _backboneChannels == 3) x = x.flip(1);          // gray replicated needs no reorder
        long[] statsShape = [1, _backboneChannels, 1, 1];
        using var mean = tensor(p.Mean.ToArray(), statsShape, dtype: x.dtype, device: x.device);
        using var std = tensor(p.Std.ToArray(), statsShape, dtype: x.dtype, device: x.device);
        return x.sub(mean).div(std);
    }

    /// <inheritdoc />
    public override (Tensor Logit, Tensor? ClassLogits) forward(Tensor x, Tensor? labels)
    {
        CheckInputs(x, labels);
        var maps = features.Forward(PrepareInput(x));                                          // one [B, C_s, H_s, W_s] per stage
        Tensor? score = null;
        for (var i = 0; i < maps.Length; i++)
        {
            var s = scales[i].call(maps[i], labels);                                           // [B]
            score = score is null ? s : score + s;
        }
        return (score! / maps.Length, null);                                                   // [B]
    }

    /// <summary>
    /// The state a checkpoint saves: everything but the frozen backbone, whose tapped stages are included only when the
    /// discriminator cannot rebuild them from the registry (<see cref="FrozenBackboneWeights.Checkpoint"/>). Loading
    /// reads the same keys, so a saved discriminator reloads into a freshly built one.
    /// </summary>
    public override Dictionary<string, Tensor> state_dict(Dictionary<string, Tensor>? destination = null, string? prefix = null)
    {
        destination ??= new Dictionary<string, Tensor>();
        var head = string.IsNullOrEmpty(prefix) ? "" : prefix + ".";
        foreach (var (key, value) in base.state_dict(new Dictionary<string, Tensor>(), prefix))
        {
            var own = key[head.Length..];
            if (own.StartsWith(BackboneKey, StringComparison.Ordinal)
                && (_options.Weights == FrozenBackboneWeights.Registry || !features.IsUsed(own[BackboneKey.Length..])))
                continue;
            destination.TryAdd(key, value);
        }
        return destination;
    }

    static void CheckShape(ImageShape shape)
    {
        if (shape.Channels is not (1 or 3))
            throw new InputException($"The pretrained-feature discriminator takes 1- or 3-channel images; the data is {shape}.");
        if (shape.Height != shape.Width)
            throw new InputException($"The pretrained-feature discriminator needs square images; the data is {shape} (resize or crop it first).");
    }

    static nn.Module<Tensor, Tensor> BuildBackbone(BackboneSpec spec, ProjectedDiscriminatorOptions p)
    {
        if (p.Weights == FrozenBackboneWeights.Registry)
            return (spec.CreatePretrained ?? throw new InputException($"Backbone '{spec.Name}' has no built-in weights to rebuild the discriminator from."))();
        // The architecture only; the tapped stages' weights come from the checkpoint or LoadFrozenBackbone.
        var skeleton = (spec.CreatePretrained ?? spec.CreateArchitecture)();
        if (p.Preprocessing!.Mean.Count == 1)
        {
            try
            {
                FirstConvAdapter.ToSingleChannel(skeleton, spec.FirstConv);
            }
            catch
            {
                skeleton.Dispose();
                throw;
            }
        }
        return skeleton;
    }
}

/// <summary>
/// One scale of a <see cref="ProjectedDiscriminator"/>: the fixed projection, the trainable head and (conditional) the
/// class embedding. Maps a feature map [B, C, S, S] to a score [B].
/// </summary>
internal sealed class ProjectedScale : nn.Module<Tensor, Tensor?, Tensor>
{
    // Heads shrink the map to this side before the logit convolution (as far as stride-2 steps allow).
    const int FinalSize = 4;

    readonly Tensor ccm;                         // [C, C, 1, 1], fixed
    readonly Sequential main;                    // [B, C, S, S] → φ: [B, F, ≤4, ≤4]
    readonly nn.Module<Tensor, Tensor> @out;     // φ → [B, 1, ≤4, ≤4]
    readonly Embedding? embed;                   // [K, F]

    public ProjectedScale(long[] mapShape, int? classCount, GanOptions options, long projectionSeed) : base(nameof(ProjectedScale))
    {
        var (channels, size) = (mapShape[0], mapShape[1]);
        using (var rng = new Generator((ulong)projectionSeed))
        using (no_grad())
        {
            // Variance 1/C keeps the mixed channels at the scale of the input ones; detached, the buffer lives with the module.
            ccm = randn([channels, channels, 1, 1], generator: rng).div_(Math.Sqrt(channels)).DetachFromDisposeScope();
        }

        var layers = new List<nn.Module<Tensor, Tensor>>();
        var width = channels;
        var batchNorm = options.DiscriminatorBatchNorm ?? true;
        var side = size;
        for (; side > FinalSize; side = (side + 1) / 2)
        {
            var next = Math.Min(2 * width, 4L * options.Ndf);
            layers.Add(new SpectralNorm(Conv2d(width, next, 4, stride: 2, padding: 1, bias: !batchNorm), options.SpectralNormIterations));
            if (batchNorm) layers.Add(BatchNorm2d(next));
            layers.Add(LeakyReLU(0.2));
            width = next;
        }
        main = Sequential(layers);
        // Over the whole remaining map, as DCGAN's last layer: one logit per image and scale.
        @out = new SpectralNorm(Conv2d(width, 1, (long)side, stride: 1L, padding: 0L), options.SpectralNormIterations);
        if (classCount is int k) embed = Embedding(k, width);
        RegisterComponents();
        GanInit.Dcgan(this);
        if (embed is not null)
        {
            using var _ = no_grad();
            using var weight = embed.weight!;
            weight.normal_(0.0, 0.02);
        }
    }

    /// <summary>The fixed projection.</summary>
    public Tensor Projection => ccm;

    public override Tensor forward(Tensor map, Tensor? labels)
    {
        var mixed = functional.conv2d(map, ccm);                      // [B, C, S, S]
        var phi = main.call(mixed);                                   // [B, F, s, s]
        var score = @out.call(phi).reshape(-1);                       // logit: [B]
        if (embed is not null)
            score = score + (embed.call(labels!) * phi.mean([2, 3])).sum(1);   // + ⟨embed(y), mean φ⟩: [B]
        return score;
    }
}
