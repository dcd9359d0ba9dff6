using TransferGen.Interop.Onnx.Proto;
using static TorchSharp.torch;

namespace TransferGen.Interop.Onnx;

/// <summary>Turns imported TensorProtos into TorchSharp tensors or plain arrays (import time only).</summary>
internal static class OnnxTensorConvert
{
    /// <summary>
    /// A new CPU tensor with the values and shape of <paramref name="proto"/>: float32 for float and double
    /// data (the importer computes in float32), int64 for integer data.
    /// </summary>
    public static Tensor ToTensor(this OnnxTensorProto proto)
    {
        switch ((OnnxDataType)proto.DataType)
        {
            case OnnxDataType.Float:
            case OnnxDataType.Double:
                return tensor(proto.ToFloats(), proto.Dims);
            case OnnxDataType.Int64:
            case OnnxDataType.Int32:
                return tensor(proto.ToInt64s(), proto.Dims);
            default:
                throw new NotSupportedException($"tensor '{proto.Name}' has ONNX data type {proto.DataType}, which the importer cannot read");
        }
    }

    /// <summary>The values of a float or double tensor as float32.</summary>
    public static float[] ToFloats(this OnnxTensorProto proto)
    {
        CheckInline(proto);
        float[] values = (OnnxDataType)proto.DataType switch
        {
            OnnxDataType.Float => proto.Raw is { } raw ? ProtoSpans.LittleEndian<float>(raw.Span).ToArray() : proto.FloatData ?? [],
            OnnxDataType.Double => Array.ConvertAll(
                proto.Raw is { } raw ? ProtoSpans.LittleEndian<double>(raw.Span).ToArray() : proto.DoubleData ?? [], v => (float)v),
            _ => throw new NotSupportedException($"tensor '{proto.Name}' must hold floating-point values, not ONNX data type {proto.DataType}"),
        };
        return CheckCount(proto, values);
    }

    /// <summary>The values of an int64 or int32 tensor (shapes, split sizes, axes) as int64.</summary>
    public static long[] ToInt64s(this OnnxTensorProto proto)
    {
        CheckInline(proto);
        long[] values = (OnnxDataType)proto.DataType switch
        {
            OnnxDataType.Int64 => proto.Raw is { } raw ? ProtoSpans.LittleEndian<long>(raw.Span).ToArray() : proto.Int64Data ?? [],
            OnnxDataType.Int32 => Array.ConvertAll(
                proto.Raw is { } raw ? ProtoSpans.LittleEndian<int>(raw.Span).ToArray() : proto.Int32Data ?? [], v => (long)v),
            _ => throw new NotSupportedException($"tensor '{proto.Name}' must hold integers, not ONNX data type {proto.DataType}"),
        };
        return CheckCount(proto, values);
    }

    /// <summary>A float scalar (or one-element tensor), e.g. Dropout's ratio input.</summary>
    public static float ToScalar(this OnnxTensorProto proto)
    {
        var values = proto.ToFloats();
        return values.Length == 1 ? values[0] : throw new InvalidDataException($"tensor '{proto.Name}' should hold one value, not {values.Length}");
    }

    static void CheckInline(OnnxTensorProto proto)
    {
        if (proto.ExternalData)
            throw new NotSupportedException($"tensor '{proto.Name}' keeps its data in an external file, which the importer does not read");
    }

    static T[] CheckCount<T>(OnnxTensorProto proto, T[] values) =>
        values.LongLength == proto.ElementCount ? values
            : throw new InvalidDataException($"tensor '{proto.Name}' holds {values.LongLength} values but its dims [{string.Join(", ", proto.Dims)}] call for {proto.ElementCount}");
}
