using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TransferGen.Interop.Onnx.Ops;

/// <summary>
/// ONNX MaxPool and AveragePool over 2-D windows. Padding torch cannot express (asymmetric, or over half
/// the kernel) is applied explicitly: -inf for max pooling, zeros for average pooling, where a padded mask
/// supplies the divisor when padded cells must not count. A pool can be switched to global pooling, which
/// the importer does for a final pool whose window covers the whole feature map at the file's input size.
/// </summary>
internal sealed class PoolOp : OnnxOp
{
    readonly Window2d _window;
    readonly bool _max;
    readonly bool _ceil;
    readonly bool _countPad;

    PoolOp(Window2d window, bool max, bool ceil, bool countPad)
    {
        _window = window;
        _max = max;
        _ceil = ceil;
        _countPad = countPad;
    }

    /// <summary>The input shape seen while <see cref="Probing"/> was set (used to spot whole-map windows).</summary>
    public long[]? ProbedInputShape { get; private set; }

    /// <summary>When set, <see cref="Run"/> records its input shape.</summary>
    public bool Probing { get; set; }

    /// <summary>True once switched to global pooling.</summary>
    public bool IsGlobal { get; private set; }

    /// <summary>True when the window is exactly the probed input's spatial size and nothing is padded.</summary>
    public bool CoversProbedInput =>
        ProbedInputShape is { Length: 4 } s && s[2] == _window.Kernel[0] && s[3] == _window.Kernel[1]
        && _window.HasStaticPads && _window.StaticPads.IsZero && _window.Dilations.All(d => d == 1);

    /// <summary>Makes this pool global: the same result at the probed size, and a 1×1 map at any other.</summary>
    public void MakeGlobal() => IsGlobal = true;

    /// <summary>Builds MaxPool (<paramref name="max"/>) or AveragePool from its node.</summary>
    public static PoolOp Create(OnnxNodeContext c, bool max)
    {
        if (max && c.UsedOutputs > 1) throw new NotSupportedException("its Indices output is not supported");
        var window = Window2d.FromNode(c, null);
        if (!max && window.Dilations.Any(d => d != 1)) throw new NotSupportedException("dilated average pooling is not supported");
        return new PoolOp(window, max, c.Int("ceil_mode", 0) != 0, c.Int("count_include_pad", 0) != 0);
    }

    /// <inheritdoc />
    public override Tensor[] Run(IReadOnlyList<Tensor?> inputs, bool training)
    {
        var x = Input(inputs, 0);
        if (x.dim() != 4) throw new InvalidOperationException($"2-D pooling needs a 4-D input, got {x.dim()}-D");
        if (Probing) ProbedInputShape = x.shape;
        if (IsGlobal) return [_max ? x.amax([2, 3], keepdim: true) : x.mean([2, 3], keepdim: true)];

        long h = x.shape[2], w = x.shape[3];
        var pads = _window.Resolve(h, w);
        var y = _window.TorchCanPad(pads, pooling: true) ? PoolNative(x, pads) : PoolPadded(x, pads);
        // Torch keeps a last ceil-mode window that starts in explicit end padding; ONNX drops it.
        long outH = _window.PooledLength(h, pads.Top, pads.Bottom, 0, _ceil);
        long outW = _window.PooledLength(w, pads.Left, pads.Right, 1, _ceil);
        if (y.shape[2] == outH && y.shape[3] == outW) return [y];
        using (y)
        {
            using var rows = y.narrow(2, 0, outH);
            return [rows.narrow(3, 0, outW)];
        }
    }

    Tensor PoolNative(Tensor x, Pads2d pads) => _max
        ? F.max_pool2d(x, _window.Kernel, _window.Strides, [pads.Top, pads.Left], _window.Dilations, _ceil)
        : F.avg_pool2d(x, _window.Kernel, _window.Strides, [pads.Top, pads.Left], _ceil, _countPad);

    Tensor PoolPadded(Tensor x, Pads2d pads)
    {
        long[] zero = [0, 0];
        if (_max)
        {
            using var padded = F.pad(x, pads.ForTorchPad(), value: double.NegativeInfinity);
            return F.max_pool2d(padded, _window.Kernel, _window.Strides, zero, _window.Dilations, _ceil);
        }
        using var zeroPadded = F.pad(x, pads.ForTorchPad());
        var sum = F.avg_pool2d(zeroPadded, _window.Kernel, _window.Strides, zero, _ceil, count_include_pad: true);
        if (_countPad) return sum;
        // Average over real cells only: pool a padded mask of ones the same way and divide.
        using (sum)
        {
            using var ones = x.new_ones(1, 1, x.shape[2], x.shape[3]);
            using var mask = F.pad(ones, pads.ForTorchPad());
            using var share = F.avg_pool2d(mask, _window.Kernel, _window.Strides, zero, _ceil, count_include_pad: true);
            return sum / share;
        }
    }
}

/// <summary>ONNX GlobalAveragePool and GlobalMaxPool: reduce every spatial dim, keeping them as size 1.</summary>
internal static class GlobalPoolOps
{
    /// <summary>Builds the op; <paramref name="max"/> picks GlobalMaxPool.</summary>
    public static OnnxOp Create(bool max) => FunctionOp.Unary(x =>
    {
        var dims = Enumerable.Range(2, (int)x.dim() - 2).Select(d => (long)d).ToArray();
        return max ? x.amax(dims, keepdim: true) : x.mean(dims, keepdim: true);
    });
}
