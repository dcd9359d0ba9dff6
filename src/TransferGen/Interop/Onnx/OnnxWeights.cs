using TorchSharp.Modules;
using TransferGen.Interop.Onnx.Proto;
using static TorchSharp.torch;

namespace TransferGen.Interop.Onnx;

/// <summary>
/// Puts the file's weights into torch modules. Modules with large weights are created on the meta device
/// (no memory, no random initialisation) and then given parameters made from the file's values, so importing
/// costs one copy of the weights rather than an initialisation plus a copy.
/// </summary>
internal static class OnnxWeights
{
    /// <summary>
    /// A new trainable parameter of <paramref name="shape"/> holding exactly the values of <paramref name="source"/>.
    /// Only the element count must agree: some exporters store per-channel vectors with extra unit dims.
    /// </summary>
    public static Parameter Parameter(OnnxTensorProto source, long[] shape)
    {
        using var values = source.ToTensor();
        CheckCount(source, values, shape);
        using var shaped = values.reshape(shape);
        return new Parameter(shaped.contiguous());
    }

    /// <summary>Overwrites an existing parameter or buffer (e.g. BatchNorm2d's running statistics) in place.</summary>
    public static void CopyInto(Tensor target, OnnxTensorProto source)
    {
        using var values = source.ToTensor();
        CheckCount(source, values, target.shape);
        using var shaped = values.reshape(target.shape);
        using (no_grad()) target.copy_(shaped);
    }

    static void CheckCount(OnnxTensorProto source, Tensor values, long[] shape)
    {
        long needed = 1;
        foreach (var d in shape) needed *= d;
        if (values.numel() != needed)
            throw new InvalidDataException($"tensor '{source.Name}' has shape [{string.Join(", ", values.shape)}] where [{string.Join(", ", shape)}] is needed");
    }
}
