using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TransferGen.Interop.Onnx.Ops;

/// <summary>
/// ONNX Conv as a real <see cref="Conv2d"/> holding exact copies of the file's weights. Torch convolutions
/// pad symmetrically, so asymmetric (or input-size dependent) padding is applied explicitly first and the
/// convolution then runs unpadded: the result matches ONNX exactly instead of being off by a pixel.
/// </summary>
internal sealed class ConvOp : OnnxOp
{
    readonly Conv2d _conv;
    readonly Window2d _window;
    readonly bool _explicitPad;

    ConvOp(Conv2d conv, Window2d window, bool explicitPad)
    {
        _conv = conv;
        _window = window;
        _explicitPad = explicitPad;
    }

    /// <inheritdoc />
    public override nn.Module Module => _conv;

    /// <inheritdoc />
    public override IReadOnlyList<(int Input, string Name)> WeightNames => [(1, "weight"), (2, "bias")];

    /// <summary>Builds the op from a Conv node (weights from its initializers).</summary>
    public static ConvOp Create(OnnxNodeContext c)
    {
        var weight = c.RequireStatic(1, "weight");
        var bias = c.TakeStatic(2);
        if (c.HasInput(2) && bias is null)
            throw new NotSupportedException("its bias (input 2) must be an initializer or a Constant, not computed in the graph");
        if (weight.Dims.Length != 4)
            throw new NotSupportedException($"its weight has {weight.Dims.Length} dims; only 2-D convolutions (4-D weights) are supported");
        var window = Window2d.FromNode(c, weight.Dims[2..]);
        long groups = c.Int("group", 1);
        long outChannels = weight.Dims[0], inChannels = weight.Dims[1] * groups;
        bool explicitPad = !window.HasStaticPads || !window.TorchCanPad(window.StaticPads, pooling: false);
        var pads = explicitPad ? default : window.StaticPads;
        var conv = nn.Conv2d(inChannels, outChannels, (window.Kernel[0], window.Kernel[1]),
            stride: (window.Strides[0], window.Strides[1]), padding: (pads.Top, pads.Left),
            dilation: (window.Dilations[0], window.Dilations[1]), groups: groups, bias: bias is not null, device: META);
        conv.weight = OnnxWeights.Parameter(weight, conv.weight.shape);
        if (bias is not null) conv.bias = OnnxWeights.Parameter(bias, [outChannels]);
        return new ConvOp(conv, window, explicitPad);
    }

    /// <inheritdoc />
    public override Tensor[] Run(IReadOnlyList<Tensor?> inputs, bool training)
    {
        var x = Input(inputs, 0);
        if (!_explicitPad) return [_conv.forward(x)];
        var pads = _window.Resolve(x.shape[2], x.shape[3]);
        if (pads.IsZero) return [_conv.forward(x)];
        using var padded = F.pad(x, pads.ForTorchPad());
        return [_conv.forward(padded)];
    }
}

/// <summary>
/// ONNX ConvTranspose as a real <see cref="ConvTranspose2d"/>. Asymmetric pads crop the output of an
/// unpadded transposed convolution, which is how ONNX defines them.
/// </summary>
internal sealed class ConvTransposeOp : OnnxOp
{
    readonly ConvTranspose2d _conv;
    readonly Pads2d? _crop;

    ConvTransposeOp(ConvTranspose2d conv, Pads2d? crop)
    {
        _conv = conv;
        _crop = crop;
    }

    /// <inheritdoc />
    public override nn.Module Module => _conv;

    /// <inheritdoc />
    public override IReadOnlyList<(int Input, string Name)> WeightNames => [(1, "weight"), (2, "bias")];

    /// <summary>Builds the op from a ConvTranspose node.</summary>
    public static ConvTransposeOp Create(OnnxNodeContext c)
    {
        var weight = c.RequireStatic(1, "weight");
        var bias = c.TakeStatic(2);
        if (c.HasInput(2) && bias is null)
            throw new NotSupportedException("its bias (input 2) must be an initializer or a Constant, not computed in the graph");
        if (weight.Dims.Length != 4)
            throw new NotSupportedException($"its weight has {weight.Dims.Length} dims; only 2-D transposed convolutions are supported");
        if (c.Has("output_shape"))
            throw new NotSupportedException("its output_shape attribute is not supported; give pads instead");
        var window = Window2d.FromNode(c, weight.Dims[2..]);
        if (!window.HasStaticPads)
            throw new NotSupportedException("auto_pad SAME_UPPER/SAME_LOWER is not supported for ConvTranspose");
        long groups = c.Int("group", 1);
        var outputPadding = c.Ints("output_padding") ?? [0, 0];
        if (outputPadding.Length != 2) throw new InvalidDataException("its output_padding does not match its 2-D kernel");
        var pads = window.StaticPads;
        bool symmetric = pads.IsSymmetric;
        var conv = nn.ConvTranspose2d(weight.Dims[0], weight.Dims[1] * groups, (window.Kernel[0], window.Kernel[1]),
            stride: (window.Strides[0], window.Strides[1]),
            padding: symmetric ? (pads.Top, pads.Left) : (0, 0),
            output_padding: (outputPadding[0], outputPadding[1]),
            dilation: (window.Dilations[0], window.Dilations[1]), groups: groups, bias: bias is not null, device: META);
        conv.weight = OnnxWeights.Parameter(weight, conv.weight.shape);
        if (bias is not null) conv.bias = OnnxWeights.Parameter(bias, [weight.Dims[1] * groups]);
        return new ConvTransposeOp(conv, symmetric ? null : pads);
    }

    /// <inheritdoc />
    public override Tensor[] Run(IReadOnlyList<Tensor?> inputs, bool training)
    {
        var y = _conv.forward(Input(inputs, 0));
        if (_crop is not { } crop) return [y];
        using (y)
        {
            using var rows = y.narrow(2, crop.Top, y.shape[2] - crop.Top - crop.Bottom);
            return [rows.narrow(3, crop.Left, y.shape[3] - crop.Left - crop.Right)];
        }
    }
}
