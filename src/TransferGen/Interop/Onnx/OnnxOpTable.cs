using TransferGen.Interop.Onnx.Ops;

namespace TransferGen.Interop.Onnx;

/// <summary>The ops the importer supports, by ONNX op type, each with the factory that builds it from a node.</summary>
internal static class OnnxOpTable
{
    static readonly Dictionary<string, Func<OnnxNodeContext, OnnxOp>> Factories = Build();

    /// <summary>The factory for <paramref name="opType"/>, or null when the op is not supported.</summary>
    public static Func<OnnxNodeContext, OnnxOp>? Find(string opType) => Factories.GetValueOrDefault(opType);

    /// <summary>Every supported op type, sorted; Constant is folded at import rather than built as an op.</summary>
    public static IReadOnlyList<string> Supported { get; } = [.. Factories.Keys.Append("Constant").Order(StringComparer.Ordinal)];

    static Dictionary<string, Func<OnnxNodeContext, OnnxOp>> Build()
    {
        var table = new Dictionary<string, Func<OnnxNodeContext, OnnxOp>>(StringComparer.Ordinal)
        {
            ["Conv"] = ConvOp.Create,
            ["ConvTranspose"] = ConvTransposeOp.Create,
            ["BatchNormalization"] = BatchNormOp.Create,
            ["MaxPool"] = c => PoolOp.Create(c, max: true),
            ["AveragePool"] = c => PoolOp.Create(c, max: false),
            ["GlobalAveragePool"] = _ => GlobalPoolOps.Create(max: false),
            ["GlobalMaxPool"] = _ => GlobalPoolOps.Create(max: true),
            ["Gemm"] = GemmOp.Create,
            ["MatMul"] = MatMulOp.Create,
        };
        ElementwiseOps.Register(table);
        ShapeOps.Register(table);
        return table;
    }
}
