using static TorchSharp.torch;

namespace TransferGen.Interop.Onnx.Ops;

/// <summary>Flatten, Reshape, Concat and Split. Shapes and split sizes must be known at import time.</summary>
internal static class ShapeOps
{
    /// <summary>Adds this file's ops to the factory table.</summary>
    public static void Register(IDictionary<string, Func<OnnxNodeContext, OnnxOp>> table)
    {
        table["Flatten"] = Flatten;
        table["Reshape"] = Reshape;
        table["Concat"] = c =>
        {
            long axis = c.Has("axis") ? c.Int("axis", 0)
                : c.Opset < 4 ? 1 : throw new InvalidDataException("it has no axis attribute");
            return new FunctionOp((inputs, _) => [cat(inputs.Select((t, i) => OnnxOp.Input(inputs, i)).ToList(), axis)]);
        };
        table["Split"] = Split;
    }

    // Flatten to 2-D: dims before `axis` make the rows, the rest the columns (axis 0 gives one row).
    static OnnxOp Flatten(OnnxNodeContext c)
    {
        long axis = c.Int("axis", 1);
        return FunctionOp.Unary(x =>
        {
            long at = axis < 0 ? axis + x.dim() : axis;
            long rows = x.shape.Take((int)at).Aggregate(1L, (p, d) => p * d);
            return x.reshape(rows, -1);
        });
    }

    // A 0 in the target copies the input's size at that position (unless allowzero=1); -1 is inferred.
    static OnnxOp Reshape(OnnxNodeContext c)
    {
        long[] target = c.Opset < 5
            ? c.Ints("shape") ?? throw new InvalidDataException("it has no shape attribute")
            : c.RequireStatic(1, "shape").ToInt64s();
        bool allowZero = c.Int("allowzero", 0) != 0;
        return FunctionOp.Unary(x =>
        {
            var shape = (long[])target.Clone();
            if (!allowZero)
                for (int i = 0; i < shape.Length; i++)
                    if (shape[i] == 0) shape[i] = x.shape[i];
            return x.reshape(shape);
        });
    }

    // Sizes come from the split attribute (before opset 13) or the split input (13+); without them the axis
    // is cut into as many equal parts as there are outputs (the last one smaller when it does not divide).
    static OnnxOp Split(OnnxNodeContext c)
    {
        long axis = c.Int("axis", 0);
        long[]? sizes = c.Opset < 13 ? c.Ints("split") : c.TakeStatic(1)?.ToInt64s();
        if (c.Opset >= 13 && c.HasInput(1) && sizes is null)
            throw new NotSupportedException("its split sizes (input 1) must be an initializer or a Constant");
        int parts = c.Node.Outputs.Count;
        if (sizes is not null && sizes.Length != parts)
            throw new InvalidDataException($"it has {parts} outputs but {sizes.Length} split sizes");
        return new FunctionOp((inputs, _) =>
        {
            var x = OnnxOp.Input(inputs, 0);
            long dim = axis < 0 ? axis + x.dim() : axis;
            if (sizes is not null) return x.split(sizes, dim);
            long chunk = (x.shape[dim] + parts - 1) / parts;
            return x.split(chunk, dim);
        });
    }
}
