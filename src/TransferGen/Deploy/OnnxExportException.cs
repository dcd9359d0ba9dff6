namespace TransferGen.Deploy;

/// <summary>
/// A model holds a module (or an imported node) the ONNX exporter cannot write; the message names it by its path in
/// the model and says what it is, so the user knows which layer stands in the way.
/// </summary>
public sealed class OnnxExportException(string message) : InputException(message)
{
    /// <summary>The error for the module at <paramref name="path"/>, of <paramref name="what"/> (its type or op), and why.</summary>
    internal static OnnxExportException Unsupported(string path, string what, string? why = null) =>
        new($"The ONNX exporter cannot write the module {(path.Length == 0 ? "at the top" : $"'{path}'")} ({what}){(why is null ? "" : ": " + why)}; " +
            "models built only from TransferGen's backbones, heads and GAN generators export.");
}
