using System.Buffers.Binary;
using System.Text.Json;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferGen.Models;

/// <summary>
/// Loads a user's weight file into a backbone: a PyTorch state dict (<c>.pt</c>/<c>.pth</c>, as written by
/// <c>torch.save(model.state_dict())</c>), a <c>.safetensors</c> file, or an ONNX export of the same architecture
/// (<c>.onnx</c>, see <see cref="OnnxWeightsFile"/>). Keys of the original classifier are ignored; every other key
/// must match the backbone's state dict in name and shape, and every backbone key must be present, otherwise an
/// <see cref="InputException"/> names the file and the first key that does not fit.
/// </summary>
public static class WeightsFile
{
    /// <summary>Loads <paramref name="path"/> into <paramref name="backbone"/> (built by <paramref name="spec"/>).</summary>
    /// <returns>
    /// How many BatchNorm layers the file had folded into convolutions (an ONNX export in eval mode); they are loaded
    /// as identities that reproduce the file only while their running statistics are kept. 0 for state dicts.
    /// </returns>
    public static int Load(Module<Tensor, Tensor> backbone, string path, BackboneSpec spec)
    {
        if (!File.Exists(path)) throw new InputException($"{path}: no such weights file.");
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension == ".onnx") return OnnxWeightsFile.Load(backbone, path, spec);
        if (extension is not (".pt" or ".pth" or ".safetensors"))
            throw new InputException($"{path}: weights must be a PyTorch state dict (.pt, .pth), a .safetensors file or an ONNX export (.onnx).");

        var fileShapes = extension == ".safetensors" ? SafetensorsShapes(path) : null;
        Dictionary<string, Tensor>? pickled = null;
        try
        {
            if (fileShapes is null)
            {
                pickled = ReadPickled(path);
                fileShapes = pickled.ToDictionary(kv => kv.Key, kv => kv.Value.shape);
            }
            var skip = fileShapes.Keys.Where(k => spec.ClassifierPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))).ToList();
            Check(path, backbone, fileShapes, skip);
            try
            {
                if (pickled is not null) backbone.load_state_dict(pickled, strict: false, skip: skip);
                else backbone.load_safetensors(path, strict: false, skip: skip);
            }
            catch (Exception e) when (e is not InputException)
            {
                throw new InputException($"{path}: could not load the weights ({e.Message}).", e);
            }
        }
        finally
        {
            if (pickled is not null) foreach (var t in pickled.Values) t.Dispose();
        }
        return 0;
    }

    /// <summary>Throws for the first key that is missing, unexpected or of the wrong shape.</summary>
    static void Check(string path, Module backbone, IReadOnlyDictionary<string, long[]> file, IReadOnlyCollection<string> skip)
    {
        var expected = backbone.state_dict();
        foreach (var (key, shape) in file)
        {
            if (skip.Contains(key)) continue;
            if (!expected.TryGetValue(key, out var tensor))
                throw new InputException($"{path}: key '{key}' does not belong to this architecture.");
            if (!tensor.shape.SequenceEqual(shape))
                throw new InputException($"{path}: key '{key}' has shape [{string.Join(", ", shape)}] but the architecture needs [{string.Join(", ", tensor.shape)}].");
        }
        foreach (var key in expected.Keys)
        {
            // PyTorch files from before BatchNorm counted its batches lack this buffer; it does not affect results.
            if (!file.ContainsKey(key) && !key.EndsWith("num_batches_tracked", StringComparison.Ordinal))
                throw new InputException($"{path}: key '{key}' of the architecture is missing from the file.");
        }
    }

    static Dictionary<string, Tensor> ReadPickled(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var table = PyTorchUnpickler.UnpickleStateDict(stream);
            var result = new Dictionary<string, Tensor>();
            foreach (var key in table.Keys)
                if (key is string name && table[key] is Tensor tensor) result[name] = tensor;
            return result;
        }
        catch (Exception e) when (ForeignClass(e.Message) is { } name)
        {
            // The unpickler only builds classes it knows; anything else (os.system in a malicious file) stays unbuilt.
            throw new InputException($"{path}: the file asks to build the Python object '{name}', which a state dict never contains; " +
                                     "it was refused without running anything. Use a state dict saved with torch.save(model.state_dict()) or a .safetensors file.", e);
        }
        catch (Exception e)
        {
            throw new InputException($"{path}: not a readable PyTorch state dict ({e.Message}).", e);
        }
    }

    /// <summary>The class named in the unpickler's "unsupported class" message (e.g. "posix.system"), or null.</summary>
    static string? ForeignClass(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, @"construction of ClassDict \(for ([^)]+)\)");
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>One dimension of a safetensors shape: a whole number from 0 up.</summary>
    static long Dimension(JsonElement d) =>
        d.TryGetInt64(out var n) && n >= 0 ? n : throw new InvalidDataException($"the shape holds {d.GetRawText()}, not a dimension");

    /// <summary>Names and shapes from a safetensors header (8-byte little-endian length, then JSON), without the data.</summary>
    static Dictionary<string, long[]> SafetensorsShapes(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> lengthBytes = stackalloc byte[8];
            stream.ReadExactly(lengthBytes);
            var length = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if (length > (ulong)Math.Min(stream.Length - 8, 100_000_000)) throw new InvalidDataException("the header length is impossible");
            var header = new byte[length];
            stream.ReadExactly(header);
            using var json = JsonDocument.Parse(header);
            return json.RootElement.EnumerateObject()
                .Where(p => p.Name != "__metadata__")
                .ToDictionary(p => p.Name, p => p.Value.GetProperty("shape").EnumerateArray().Select(Dimension).ToArray());
        }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException or EndOfStreamException or KeyNotFoundException or InvalidOperationException
                                   or FormatException)
        {
            throw new InputException($"{path}: not a readable safetensors file ({e.Message}).", e);
        }
    }
}
