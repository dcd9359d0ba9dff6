using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;
using SkiaSharp;
using TorchSharp;
using TorchSharp.PyBridge;
using TransferGen.Data;
using TransferGen.Generation;
using TransferGen.Imaging;
using TransferGen.Models;
using TransferGen.Training;
using TransferGen.Transfer;
using static TorchSharp.torch;

namespace TransferGen.Benchmarks.Fuzzing;

/// <summary>
/// Writes a valid, small seed of every format TransferGen reads (IDX raw and gzip, CIFAR, PNG, JPEG, BMP, WebP, ONNX,
/// PyTorch .pt, .safetensors, fine-tune and GAN run folders) and names, for each, what a command does with it.
/// </summary>
public static class FuzzCorpus
{
    /// <summary>Every format name, in the order cases are dealt out.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "idx", "idx-labels", "idx-gz", "cifar", "png", "jpeg", "bmp", "webp", "onnx", "pt", "safetensors",
        "run-config", "run-model", "run-checkpoint", "gan-config", "gan-model", "gan-checkpoint",
    ];

    /// <summary>Writes the seeds of <paramref name="names"/> under <paramref name="root"/> and returns their targets.</summary>
    public static IReadOnlyList<FuzzTarget> Create(string root, IReadOnlyCollection<string> names)
    {
        var unknown = names.FirstOrDefault(n => !Names.Contains(n));
        if (unknown is not null) throw new InputException($"Unknown fuzz format '{unknown}' (known: {string.Join(", ", Names)}).");
        var spec = FuzzBackbone.Register();
        var targets = new List<FuzzTarget>();
        foreach (var name in Names.Where(names.Contains))
        {
            var folder = Path.Combine(root, name);
            Directory.CreateDirectory(folder);
            targets.Add(name switch
            {
                "idx" or "idx-labels" => Idx(name, folder, gzip: false),
                "idx-gz" => Idx(name, folder, gzip: true),
                "cifar" => Cifar(folder),
                "png" or "jpeg" or "bmp" or "webp" => Images(name, folder),
                "onnx" or "pt" or "safetensors" => Weights(name, folder, spec),
                "run-config" or "run-model" or "run-checkpoint" => ClassifierRun(name, folder),
                _ => GanRun(name, folder),
            });
        }
        return targets;
    }

    // ---- datasets ----

    static FuzzTarget Idx(string name, string folder, bool gzip)
    {
        var suffix = gzip ? ".gz" : "";
        foreach (var (prefix, count, seed) in new[] { ("train", 12, 1), ("t10k", 6, 2) })
        {
            var random = new Random(seed);
            var images = new byte[16 + count * 8 * 8];
            BinaryPrimitives.WriteInt32BigEndian(images, 0x00000803);
            BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), count);
            BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), 8);
            BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), 8);
            random.NextBytes(images.AsSpan(16));
            var labels = new byte[8 + count];
            BinaryPrimitives.WriteInt32BigEndian(labels, 0x00000801);
            BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), count);
            for (var i = 0; i < count; i++) labels[8 + i] = (byte)(i % 3);
            File.WriteAllBytes(Path.Combine(folder, $"{prefix}-images-idx3-ubyte{suffix}"), gzip ? Gzip(images) : images);
            File.WriteAllBytes(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte{suffix}"), gzip ? Gzip(labels) : labels);
        }
        var file = name == "idx-labels" ? "train-labels-idx1-ubyte" : $"train-images-idx3-ubyte{suffix}";
        FuzzField[] fields = gzip
            ? [new FuzzField((int)new FileInfo(Path.Combine(folder, file)).Length - 4, 4, false)]   // gzip's ISIZE trailer
            : name == "idx-labels"
                ? [new(0, 4, true), new(4, 4, true)]
                : [new(0, 4, true), new(4, 4, true), new(8, 4, true), new(12, 4, true)];
        return new FuzzTarget(name, folder, file, ReadDataset) { Fields = fields };
    }

    static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(bytes);
        return output.ToArray();
    }

    /// <summary>Bytes of one CIFAR-10 record: the label, then 3×32×32 pixels.</summary>
    const int Cifar10Record = 1 + 3 * 32 * 32;

    static FuzzTarget Cifar(string folder)
    {
        foreach (var (file, seed) in new[] { ("data_batch_1.bin", 1), ("test_batch.bin", 2) })
        {
            var random = new Random(seed);
            var records = new byte[10 * Cifar10Record];
            random.NextBytes(records);
            for (var i = 0; i < 10; i++) records[i * Cifar10Record] = (byte)i;
            File.WriteAllBytes(Path.Combine(folder, file), records);
        }
        return new FuzzTarget("cifar", folder, "data_batch_1.bin", ReadDataset) { Fields = [new(0, 2, false), new(Cifar10Record, 2, false)] };
    }

    /// <summary>An ImageFolder of two classes, three images each; case damage one of class a's files.</summary>
    static FuzzTarget Images(string name, string folder)
    {
        var extension = name == "jpeg" ? "jpg" : name;
        for (var c = 0; c < 2; c++)
        {
            var classFolder = Path.Combine(folder, c == 0 ? "a" : "b");
            Directory.CreateDirectory(classFolder);
            for (var i = 0; i < 3; i++)
                File.WriteAllBytes(Path.Combine(classFolder, $"{i}.{extension}"), EncodeImage(name, Pixels(12, 10, seed: 10 * c + i), 12, 10));
        }
        var file = Path.Combine("a", $"0.{extension}");
        var bytes = File.ReadAllBytes(Path.Combine(folder, file));
        return new FuzzTarget(name, folder, file, f => ReadImage(f, file)) { Fields = ImageFields(name, bytes), RepairChecksums = name == "png" ? RepairPngHeader : null };
    }

    /// <summary>RGBA pixels of a smooth seeded pattern (photo-like enough for lossy codecs).</summary>
    static byte[] Pixels(int width, int height, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[width * height * 4];
        var (r, g, b) = (random.Next(256), random.Next(256), random.Next(256));
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var p = (y * width + x) * 4;
                pixels[p] = (byte)((r + 9 * x) % 256);
                pixels[p + 1] = (byte)((g + 13 * y) % 256);
                pixels[p + 2] = (byte)((b + 5 * (x + y)) % 256);
                pixels[p + 3] = 255;
            }
        return pixels;
    }

    static byte[] EncodeImage(string format, byte[] rgba, int width, int height)
    {
        if (format == "bmp") return Bmp(rgba, width, height);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using var image = SKImage.FromBitmap(bitmap);
        var kind = format switch { "png" => SKEncodedImageFormat.Png, "jpeg" => SKEncodedImageFormat.Jpeg, _ => SKEncodedImageFormat.Webp };
        using var data = image.Encode(kind, 90) ?? throw new InvalidOperationException($"Skia could not encode a {format} seed");
        return data.ToArray();
    }

    /// <summary>A 24-bit bottom-up BMP (Skia reads BMP but does not write it).</summary>
    static byte[] Bmp(byte[] rgba, int width, int height)
    {
        var stride = (width * 3 + 3) / 4 * 4;
        var bytes = new byte[54 + stride * height];
        bytes[0] = (byte)'B';
        bytes[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(2), bytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(34), stride * height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var source = ((height - 1 - y) * width + x) * 4;
                var target = 54 + y * stride + x * 3;
                (bytes[target], bytes[target + 1], bytes[target + 2]) = (rgba[source + 2], rgba[source + 1], rgba[source]);
            }
        return bytes;
    }

    static FuzzField[] ImageFields(string format, byte[] bytes)
    {
        switch (format)
        {
            case "png": return [new(16, 4, true), new(20, 4, true), new(8, 4, true)];   // IHDR width, height; the chunk length
            case "bmp": return [new(2, 4, false), new(10, 4, false), new(14, 4, false), new(18, 4, false), new(22, 4, false), new(28, 2, false), new(34, 4, false)];
            case "webp": return [new(4, 4, false), new(16, 4, false), new(26, 2, false), new(28, 2, false)];
            default:
                // JPEG: the frame header (SOF0/SOF2) holds height and width after its length and precision.
                for (var i = 2; i + 9 < bytes.Length; i++)
                    if (bytes[i] == 0xFF && bytes[i + 1] is 0xC0 or 0xC2)
                        return [new(i + 2, 2, true), new(i + 5, 2, true), new(i + 7, 2, true)];
                return [];
        }
    }

    /// <summary>Recomputes the CRC of a PNG's IHDR chunk, so the damaged width or height reaches the decoder.</summary>
    static byte[] RepairPngHeader(byte[] png)
    {
        if (png.Length < 33 || Encoding.ASCII.GetString(png, 12, 4) != "IHDR") return png;
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32.HashToUInt32(png.AsSpan(12, 17)));
        return png;
    }

    static void ReadDataset(string folder)
    {
        var dataset = DatasetResolver.Load(folder, new DatasetOptions());
        ReadAll(dataset);
    }

    static void ReadAll(ImageDataset dataset)
    {
        foreach (var split in dataset.Splits)
            for (var i = 0; i < split.Count; i++)
                split.Read(i).Dispose();
    }

    /// <summary>
    /// As `predict FILE` does, decodes the file alone (an unreadable file is an error there); then, as a fine-tune on the
    /// folder does, loads the ImageFolder holding it (where it is skipped and counted) and reads every image.
    /// </summary>
    static void ReadImage(string folder, string file)
    {
        Exception? decodeError = null;
        try
        {
            ImageCodec.Decode(Path.Combine(folder, file), channels: 3).Dispose();
        }
        catch (Exception e)
        {
            decodeError = e;
        }
        ReadAll(DatasetResolver.Load(folder, new DatasetOptions()));
        if (decodeError is not null) throw decodeError;
    }

    // ---- weights ----

    static FuzzTarget Weights(string name, string folder, BackboneSpec spec)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(1);
        using var backbone = new FuzzBackbone();
        var file = name switch { "onnx" => "weights.onnx", "pt" => "weights.pt", _ => "weights.safetensors" };
        var path = Path.Combine(folder, file);
        switch (name)
        {
            case "onnx": File.WriteAllBytes(path, FuzzBackbone.ToOnnx(backbone)); break;
            case "pt": backbone.save_py(path); break;
            default: backbone.save_safetensors(path); break;
        }
        var fields = name == "safetensors" ? [new FuzzField(0, 8, false)] : name == "pt" ? ZipFields(File.ReadAllBytes(path)) : Array.Empty<FuzzField>();
        return new FuzzTarget(name, folder, file, f =>
        {
            using var target = new FuzzBackbone();
            WeightsFile.Load(target, Path.Combine(f, file), spec);
        })
        {
            Fields = fields,
            MutateDimensions = name == "safetensors" ? MutateSafetensorsHeader : null,
        };
    }

    /// <summary>The size fields of a zip's first local header and of its end-of-central-directory record.</summary>
    static FuzzField[] ZipFields(byte[] zip)
    {
        var fields = new List<FuzzField> { new(18, 4, false), new(22, 4, false), new(26, 2, false), new(28, 2, false) };
        for (var i = zip.Length - 22; i >= 0; i--)
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i)) == 0x06054b50)
            {
                fields.AddRange([new(i + 8, 2, false), new(i + 10, 2, false), new(i + 12, 4, false), new(i + 16, 4, false)]);
                break;
            }
        return [.. fields];
    }

    /// <summary>Replaces a number of a safetensors file's JSON header (a shape or an offset) and keeps the header length right.</summary>
    static FuzzMutation MutateSafetensorsHeader(byte[] file, Random random)
    {
        var length = (int)BinaryPrimitives.ReadInt64LittleEndian(file);
        var header = file[8..(8 + length)];
        var mutated = FuzzMutations.Apply(header, FuzzMutationKind.DimensionField, [], isJson: true, random);
        var bytes = new byte[8 + mutated.Bytes.Length + (file.Length - 8 - length)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, mutated.Bytes.Length);
        mutated.Bytes.CopyTo(bytes, 8);
        file.AsSpan(8 + length).CopyTo(bytes.AsSpan(8 + mutated.Bytes.Length));
        return new FuzzMutation(bytes, "header " + mutated.Description);
    }

    // ---- run folders ----

    /// <summary>A tiny 24-image dataset of 16×16 gray images in three classes, from <paramref name="seed"/>.</summary>
    static ImageDataset TinyData(int seed, int size = 16)
    {
        var random = new Random(seed);
        TensorSplit Split(string split, int count)
        {
            var pixels = new byte[count * size * size];
            random.NextBytes(pixels);
            return new TensorSplit(split, torch.tensor(pixels, [count, 1, size, size]), [.. Enumerable.Range(0, count).Select(i => i % 3)]);
        }
        return new ImageDataset("synthetic", "fuzz", ["x", "y", "z"], [Split("train", 24), Split("test", 6)]);
    }

    /// <summary>Cancels training once the first epoch's checkpoint is written, so the seed run is resumable.</summary>
    sealed class CancelAfterFirstEpoch(CancellationTokenSource source) : ICallback
    {
        public int Order => 1000;

        public void AfterEpoch(TrainingContext context)
        {
            if (context.Epoch == 0) source.Cancel();
        }
    }

    static FuzzTarget ClassifierRun(string name, string folder)
    {
        var run = Path.Combine(folder, "run");
        using (var cancel = new CancellationTokenSource())
        {
            var options = new FineTuneOptions
            {
                MinSteps = 0, Backbone = FuzzBackbone.Name, Freeze = FreezePolicy.Parse("none"), ImageSize = 16, BatchSize = 8,
                Epochs = 2, Seed = 1, Workers = 1,
            };
            try
            {
                ImageClassifier.FineTune(TinyData(1), options, run, [new CancelAfterFirstEpoch(cancel)], cancellationToken: cancel.Token).Dispose();
                throw new InvalidOperationException("the fuzz seed run was not cancelled after its first epoch");
            }
            catch (TrainingCancelledException)
            {
                // The seed: a run that finished epoch 1 of 2, with config.json, model.pt and checkpoint.pt.
            }
        }
        var file = name switch { "run-config" => "config.json", "run-model" => "model.pt", _ => Checkpoint.FileName };
        return new FuzzTarget(name, folder, Path.Combine("run", file), f =>
        {
            var path = Path.Combine(f, "run");
            using (var model = ImageClassifier.Load(path))
            using (var images = torch.zeros([2, 1, 16, 16], ScalarType.Byte))
                model.Predict(images);
            ImageClassifier.Resume(path, TinyData(1)).Dispose();
        })
        {
            IsJson = name == "run-config",
            Fields = name == "run-checkpoint" ? CheckpointTrailer(Path.Combine(run, file)) : [],
            MutateDimensions = name == "run-checkpoint" ? MutateCheckpointState : null,
        };
    }

    static FuzzTarget GanRun(string name, string folder)
    {
        var run = Path.Combine(folder, "run");
        var config = new GanTrainingConfig { Data = "fuzz", Arch = "mlp", ImageSize = 8, Epochs = 1, BatchSize = 8, Seed = 1 };
        ImageGenerator.Train(TinyData(2, size: 8), config, run).Dispose();
        var file = name switch { "gan-config" => "config.json", "gan-model" => "model.pt", _ => Checkpoint.FileName };
        return new FuzzTarget(name, folder, Path.Combine("run", file), f =>
        {
            var path = Path.Combine(f, "run");
            using (var generator = ImageGenerator.Load(path))
                generator.Sample(2).Dispose();
            ImageGenerator.Resume(path, epochs: 2, dataset: TinyData(2, size: 8)).Dispose();
        })
        {
            IsJson = name == "gan-config",
            Fields = name == "gan-checkpoint" ? CheckpointTrailer(Path.Combine(run, file)) : [],
            MutateDimensions = name == "gan-checkpoint" ? MutateCheckpointState : null,
        };
    }

    /// <summary>The checkpoint's trailer: the JSON state's offset and length (8 bytes each, little-endian).</summary>
    static FuzzField[] CheckpointTrailer(string path)
    {
        var length = (int)new FileInfo(path).Length;
        return [new(length - 24, 8, false), new(length - 16, 8, false)];
    }

    /// <summary>
    /// Replaces a number of a checkpoint's JSON state (an epoch, a section's offset or length, a learning rate) and
    /// rewrites the trailer to match, so the damaged value is what the reader meets.
    /// </summary>
    static FuzzMutation MutateCheckpointState(byte[] file, Random random)
    {
        if (file.Length < 24) return new FuzzMutation(file, "checkpoint too short");
        var offset = (int)BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(file.Length - 24));
        var length = (int)BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(file.Length - 16));
        var state = file[offset..(offset + length)];
        var mutated = FuzzMutations.Apply(state, FuzzMutationKind.DimensionField, [], isJson: true, random);
        byte[] bytes = [.. file.AsSpan(0, offset), .. mutated.Bytes, .. file.AsSpan(file.Length - 24)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(bytes.Length - 16), mutated.Bytes.Length);
        return new FuzzMutation(bytes, "state " + mutated.Description);
    }
}
