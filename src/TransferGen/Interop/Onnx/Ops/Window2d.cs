namespace TransferGen.Interop.Onnx.Ops;

/// <summary>Padding of a 2-D window op in ONNX terms: rows added at the top and bottom, columns at the left and right.</summary>
internal readonly record struct Pads2d(long Top, long Left, long Bottom, long Right)
{
    /// <summary>No padding at all.</summary>
    public bool IsZero => Top == 0 && Left == 0 && Bottom == 0 && Right == 0;

    /// <summary>Same padding on both sides of each axis: the only kind torch's window ops take directly.</summary>
    public bool IsSymmetric => Top == Bottom && Left == Right;

    /// <summary>The order torch.nn.functional.pad wants for the last two dims: left, right, top, bottom.</summary>
    public long[] ForTorchPad() => [Left, Right, Top, Bottom];
}

/// <summary>
/// The geometry shared by Conv, ConvTranspose, MaxPool and AveragePool: kernel, strides, dilations and
/// padding, where auto_pad SAME_* padding depends on the input size and so is resolved per call.
/// </summary>
internal sealed class Window2d
{
    readonly string _autoPad;
    readonly Pads2d _pads;

    Window2d(long[] kernel, long[] strides, long[] dilations, Pads2d pads, string autoPad)
    {
        Kernel = kernel;
        Strides = strides;
        Dilations = dilations;
        _pads = pads;
        _autoPad = autoPad;
    }

    /// <summary>Kernel height and width.</summary>
    public long[] Kernel { get; }

    /// <summary>Strides (rows, columns).</summary>
    public long[] Strides { get; }

    /// <summary>Dilations (rows, columns).</summary>
    public long[] Dilations { get; }

    /// <summary>True when the padding is fixed by the file rather than derived from the input size.</summary>
    public bool HasStaticPads => _autoPad is "NOTSET" or "VALID";

    /// <summary>The fixed padding (valid when <see cref="HasStaticPads"/>).</summary>
    public Pads2d StaticPads => _autoPad == "VALID" ? default : _pads;

    /// <summary>
    /// Reads kernel_shape (or <paramref name="kernelFromWeight"/>), strides, dilations, pads and auto_pad.
    /// Only 2-D windows are supported.
    /// </summary>
    public static Window2d FromNode(OnnxNodeContext c, long[]? kernelFromWeight)
    {
        var kernel = c.Ints("kernel_shape") ?? kernelFromWeight
            ?? throw new InvalidDataException("it has no kernel_shape attribute");
        if (kernel.Length != 2)
            throw new NotSupportedException($"it has a {kernel.Length}-D kernel; only 2-D windows are supported");
        var strides = c.Ints("strides") ?? [1, 1];
        var dilations = c.Ints("dilations") ?? [1, 1];
        var pads = c.Ints("pads") ?? [0, 0, 0, 0];
        if (strides.Length != 2 || dilations.Length != 2 || pads.Length != 4)
            throw new InvalidDataException("its strides, dilations or pads do not match its 2-D kernel");
        var autoPad = c.String("auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or "VALID" or "SAME_UPPER" or "SAME_LOWER"))
            throw new InvalidDataException($"its auto_pad '{autoPad}' is not an ONNX value");
        // ONNX orders pads as all axis beginnings then all axis ends: [top, left, bottom, right].
        return new Window2d(kernel, strides, dilations, new Pads2d(pads[0], pads[1], pads[2], pads[3]), autoPad);
    }

    /// <summary>The padding for an input of <paramref name="height"/> × <paramref name="width"/>.</summary>
    public Pads2d Resolve(long height, long width)
    {
        if (HasStaticPads) return StaticPads;
        var (top, bottom) = Same(height, 0);
        var (left, right) = Same(width, 1);
        return new Pads2d(top, left, bottom, right);
    }

    // SAME_*: pad so that output = ceil(input / stride); the odd extra row goes last (UPPER) or first (LOWER).
    (long Begin, long End) Same(long size, int axis)
    {
        long output = (size + Strides[axis] - 1) / Strides[axis];
        long total = Math.Max(0, (output - 1) * Strides[axis] + EffectiveKernel(axis) - size);
        long small = total / 2, large = total - small;
        return _autoPad == "SAME_UPPER" ? (small, large) : (large, small);
    }

    /// <summary>The extent a dilated kernel covers along <paramref name="axis"/>.</summary>
    public long EffectiveKernel(int axis) => (Kernel[axis] - 1) * Dilations[axis] + 1;

    /// <summary>
    /// True when torch's built-in symmetric padding reproduces <paramref name="pads"/>: torch pools refuse
    /// padding over half the kernel, so larger pads take the explicit-pad path too.
    /// </summary>
    public bool TorchCanPad(Pads2d pads, bool pooling) =>
        pads.IsSymmetric && (!pooling || (pads.Top <= EffectiveKernel(0) / 2 && pads.Left <= EffectiveKernel(1) / 2));

    /// <summary>
    /// The output length ONNX defines for a pooling window along <paramref name="axis"/>. In ceil mode a last
    /// window that would start inside the end padding is dropped (as ONNX Runtime and PyTorch do).
    /// </summary>
    public long PooledLength(long size, long padBegin, long padEnd, int axis, bool ceil)
    {
        long span = size + padBegin + padEnd - EffectiveKernel(axis);
        long stride = Strides[axis];
        long output = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceil && (output - 1) * stride >= size + padBegin) output--;
        return output;
    }
}
