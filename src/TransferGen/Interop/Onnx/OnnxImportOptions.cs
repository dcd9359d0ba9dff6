namespace TransferGen.Interop.Onnx;

/// <summary>Choices for <see cref="OnnxModule.Load(string, OnnxImportOptions?)"/>.</summary>
public sealed record OnnxImportOptions
{
    /// <summary>
    /// Flatten the output to [N, features] (e.g. a pooled [N, 512, 1, 1] becomes [N, 512]). Off by default,
    /// so the module returns exactly what the ONNX graph returns.
    /// </summary>
    public bool FlattenOutput { get; init; }

    /// <summary>
    /// Turn a final MaxPool/AveragePool whose window covers the whole feature map at the file's declared input
    /// size into global pooling, so the network also runs at other input sizes (on by default). "Final" means
    /// no convolution or pooling follows it. Needs a fixed input size in the file; otherwise nothing changes.
    /// </summary>
    public bool GlobalizeFinalPool { get; init; } = true;
}
