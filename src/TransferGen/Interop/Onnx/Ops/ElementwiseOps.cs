using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TransferGen.Interop.Onnx.Ops;

/// <summary>Activations, arithmetic, Softmax, Dropout and Identity: stateless ops.</summary>
internal static class ElementwiseOps
{
    /// <summary>Adds this file's ops to the factory table.</summary>
    public static void Register(IDictionary<string, Func<OnnxNodeContext, OnnxOp>> table)
    {
        table["Relu"] = _ => FunctionOp.Unary(x => F.relu(x));
        table["LeakyRelu"] = c =>
        {
            double alpha = c.Float("alpha", 0.01f);
            return FunctionOp.Unary(x => F.leaky_relu(x, alpha));
        };
        table["Sigmoid"] = _ => FunctionOp.Unary(sigmoid);
        table["Tanh"] = _ => FunctionOp.Unary(tanh);
        // alias(): a new handle on the same data, so the executor can dispose input and output independently.
        table["Identity"] = _ => FunctionOp.Unary(x => x.alias());
        table["Add"] = c => Binary(c, (a, b) => a + b);
        table["Sub"] = c => Binary(c, (a, b) => a - b);
        table["Mul"] = c => Binary(c, (a, b) => a * b);
        table["Div"] = c => Binary(c, (a, b) => a / b);
        table["Softmax"] = Softmax;
        table["Dropout"] = Dropout;
    }

    // torch broadcasting is ONNX's multidirectional broadcasting (opset 7+). Older files instead said
    // broadcast=1 and aligned B with A starting at `axis`, which a reshape of B reproduces.
    static OnnxOp Binary(OnnxNodeContext c, Func<Tensor, Tensor, Tensor> f)
    {
        bool legacyAxis = c.Opset < 7 && c.Int("broadcast", 0) != 0 && c.Has("axis");
        long axis = c.Int("axis", 0);
        return new FunctionOp((inputs, _) =>
        {
            Tensor a = OnnxOp.Input(inputs, 0), b = OnnxOp.Input(inputs, 1);
            if (!legacyAxis || b.dim() == a.dim()) return [f(a, b)];
            long start = axis < 0 ? axis + a.dim() : axis;
            var shape = Enumerable.Repeat(1L, (int)a.dim()).ToArray();
            for (int i = 0; i < b.dim(); i++) shape[start + i] = b.shape[i];
            using var aligned = b.reshape(shape);
            return [f(a, aligned)];
        });
    }

    // Before opset 13 Softmax flattened the input to 2-D at `axis` (default 1) and normalised each row;
    // from 13 it normalises along `axis` alone (default -1).
    static OnnxOp Softmax(OnnxNodeContext c)
    {
        if (c.Opset >= 13)
        {
            long dim = c.Int("axis", -1);
            return FunctionOp.Unary(x => x.softmax(dim));
        }
        long axis = c.Int("axis", 1);
        return FunctionOp.Unary(x =>
        {
            long at = axis < 0 ? axis + x.dim() : axis;
            long rows = x.shape.Take((int)at).Aggregate(1L, (p, d) => p * d);
            using var flat = x.reshape(rows, -1);
            using var soft = flat.softmax(1);
            return soft.reshape(x.shape);
        });
    }

    // Identity in eval mode; in training mode the usual inverted dropout. The optional mask output is produced
    // too (all true in eval) so graphs that name it still run.
    static OnnxOp Dropout(OnnxNodeContext c)
    {
        float ratio = c.Opset >= 12 ? c.TakeStatic(1)?.ToScalar() ?? 0.5f : c.Float("ratio", 0.5f);
        if (c.Opset >= 12 && c.HasInput(1) && !c.Taken.Contains(1))
            throw new NotSupportedException("its ratio (input 1) must be an initializer or a Constant");
        c.TakeStatic(2); // training_mode: the module's own train/eval state decides instead.
        bool wantsMask = c.UsedOutputs > 1;
        return new FunctionOp((inputs, training) =>
        {
            var x = OnnxOp.Input(inputs, 0);
            if (!training || ratio == 0)
                return wantsMask ? [x.alias(), ones_like(x, dtype: ScalarType.Bool)] : [x.alias()];
            using var noise = rand_like(x);
            using var keep = noise.ge(ratio);
            using var kept = x * keep;
            var y = kept / (1 - ratio);
            return wantsMask ? [y, keep.alias()] : [y];
        });
    }
}
