using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using TransferGen.Interop.Onnx;
using static TorchSharp.torch;

namespace TransferGen.Tests.Interop.Onnx;

/// <summary>Runs a model in ONNX Runtime (the reference) and compares our import against it.</summary>
internal static class OrtReference
{
    /// <summary>An ORT session without graph optimisations, so the reference computes the graph as written.</summary>
    public static InferenceSession Session(byte[] model)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
            IntraOpNumThreads = 2,
        };
        return new InferenceSession(model, options);
    }

    /// <summary>Runs <paramref name="session"/> on <paramref name="input"/> (float, CPU) and returns its single output.</summary>
    public static Tensor Run(InferenceSession session, Tensor input)
    {
        using var contiguous = input.contiguous();
        var data = contiguous.data<float>().ToArray();
        using var value = OrtValue.CreateTensorValueFromMemory(data, input.shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [session.InputNames[0]], [value], [session.OutputNames[0]]);
        var result = outputs[0];
        return tensor(result.GetTensorDataAsSpan<float>().ToArray(), result.GetTensorTypeAndShape().Shape);
    }

    /// <summary>Largest absolute difference, and the largest magnitude in the reference.</summary>
    public static (double MaxAbsDiff, double MaxAbsRef) Compare(Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var diff = (actual - expected).abs();
        using var magnitude = expected.abs();
        return (diff.max().item<float>(), magnitude.max().item<float>());
    }

    /// <summary>
    /// Imports <paramref name="model"/>, runs it in eval mode and in ORT on a seeded random input of
    /// <paramref name="shape"/>, and asserts they agree to 1e-4 of the output's magnitude.
    /// </summary>
    public static void AssertMatches(byte[] model, long[] shape, OnnxImportOptions? options = null, double relTol = 1e-4)
    {
        using var scope = NewDisposeScope();
        using var module = OnnxModule.Load(model, "test.onnx", options);
        module.eval();
        var generator = new Generator(7);
        var input = rand(shape, generator: generator) * 4 - 2;
        using var session = Session(model);
        var expected = Run(session, input);
        Tensor actual;
        using (no_grad()) actual = module.forward(input);
        var (diff, magnitude) = Compare(actual, expected);
        Assert.True(diff <= relTol * Math.Max(magnitude, 1e-3),
            $"max |ours - ORT| = {diff:G3} for outputs up to {magnitude:G3}");
    }
}
