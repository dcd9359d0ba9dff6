using TorchSharp;
using TorchSharp.Modules;
using TransferGen.Interop.Onnx.Proto;
using static TorchSharp.torch;

namespace TransferGen.Interop.Onnx.Ops;

/// <summary>
/// ONNX Gemm: Y = alpha·A'·B' + beta·C. With a constant B (a fully connected layer) it becomes a real
/// <see cref="Linear"/> whose weight and bias are trainable; otherwise it is computed from run-time inputs.
/// </summary>
internal sealed class GemmOp : OnnxOp
{
    readonly Linear? _linear;
    readonly bool _transA, _transB;
    readonly double _alpha, _beta;

    GemmOp(Linear? linear, bool transA, bool transB, double alpha, double beta)
    {
        _linear = linear;
        _transA = transA;
        _transB = transB;
        _alpha = alpha;
        _beta = beta;
    }

    /// <inheritdoc />
    public override nn.Module? Module => _linear;

    /// <inheritdoc />
    public override IReadOnlyList<(int Input, string Name)> WeightNames => [(1, "weight"), (2, "bias")];

    /// <summary>Builds the op from a Gemm node.</summary>
    public static GemmOp Create(OnnxNodeContext c)
    {
        bool transA = c.Int("transA", 0) != 0, transB = c.Int("transB", 0) != 0;
        double alpha = c.Float("alpha", 1f), beta = c.Float("beta", 1f);
        var b = c.PeekStatic(1);
        if (b is null || b.Dims.Length != 2) return new GemmOp(null, transA, transB, alpha, beta);

        c.TakeStatic(1);
        long outFeatures = transB ? b.Dims[0] : b.Dims[1], inFeatures = transB ? b.Dims[1] : b.Dims[0];
        // A bias vector (one value per output, or one for all) folds into Linear; a full C matrix stays an input.
        var cValue = c.PeekStatic(2);
        bool foldBias = cValue is not null && IsRowBias(cValue, outFeatures);
        var linear = nn.Linear(inFeatures, outFeatures, hasBias: foldBias, device: META);
        using (var stored = b.ToTensor())
        using (var rowMajor = transB ? stored.alias() : stored.t())
            linear.weight = new Parameter(rowMajor.contiguous());
        if (foldBias)
        {
            c.TakeStatic(2);
            using var bias = cValue!.ToTensor();
            using var flat = bias.reshape(-1);
            linear.bias = new Parameter(flat.expand(outFeatures).contiguous());
        }
        return new GemmOp(linear, transA, transB, alpha, beta);
    }

    static bool IsRowBias(OnnxTensorProto c, long outFeatures) =>
        (c.ElementCount == outFeatures && c.Dims.Length <= 2 && (c.Dims.Length < 2 || c.Dims[0] == 1)) || c.ElementCount == 1;

    /// <inheritdoc />
    public override Tensor[] Run(IReadOnlyList<Tensor?> inputs, bool training)
    {
        var a = Input(inputs, 0);
        using var aT = _transA ? a.t() : a.alias();
        Tensor product;
        if (_linear is null)
        {
            var b = Input(inputs, 1);
            using var bT = _transB ? b.t() : b.alias();
            using var raw = aT.matmul(bT);
            product = raw * _alpha;
        }
        else if (_alpha == 1 && _beta == 1)
        {
            product = _linear.forward(aT);
        }
        else
        {
            using var weight = _linear.weight * _alpha;
            using var bias = _linear.bias is null ? null : _linear.bias * _beta;
            product = nn.functional.linear(aT, weight, bias);
        }
        if (inputs.Count < 3 || inputs[2] is not { } c) return [product];
        using (product)
        using (var scaled = c * _beta)
            return [product + scaled];
    }
}

/// <summary>
/// ONNX MatMul (numpy matmul semantics). A constant right-hand side is a layer's weight, so it is kept as a
/// trainable parameter in a holder module registered under the node's name.
/// </summary>
internal sealed class MatMulOp : OnnxOp
{
    readonly OnnxTensorHolder? _holder;
    readonly string _weightKey;

    MatMulOp(OnnxTensorHolder? holder, string weightKey)
    {
        _holder = holder;
        _weightKey = weightKey;
    }

    /// <inheritdoc />
    public override nn.Module? Module => _holder;

    /// <inheritdoc />
    public override IReadOnlyList<(int Input, string Name)> WeightNames => [(1, _weightKey)];

    /// <summary>Builds the op from a MatMul node.</summary>
    public static MatMulOp Create(OnnxNodeContext c)
    {
        var b = c.TakeStatic(1);
        if (b is null) return new MatMulOp(null, "");
        var holder = new OnnxTensorHolder(c.Key);
        string key = holder.Add(OnnxNames.Sanitize(b.Name, "weight"), b.ToTensor(), trainable: true);
        return new MatMulOp(holder, key);
    }

    /// <inheritdoc />
    public override Tensor[] Run(IReadOnlyList<Tensor?> inputs, bool training)
    {
        var b = _holder is null ? Input(inputs, 1) : _holder.Get(_weightKey);
        return [Input(inputs, 0).matmul(b)];
    }
}
