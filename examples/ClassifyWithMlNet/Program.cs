// Classifies a folder of images with a TransferGen classifier exported to ONNX (`transfergen export`), in ML.NET alone:
// what a team ships without LibTorch. It references neither TransferGen nor TorchSharp.
// The model file says what it takes in its metadata (class names, input size and channels); this program reads that,
// then builds an ML.NET pipeline from ML.NET's own transforms: LoadImages → ResizeImages (stretched to the model's size,
// as transfergen resizes) → for gray models, ConvertToGrayscale → ExtractPixels (planar floats 0..255, as the graph
// expects: ÷255, channel order and mean/std are inside the model) → ApplyOnnxModel. Images already at the model's size
// get `transfergen predict`'s probabilities (to 1e-6). Resize other images to that size first, as transfergen does
// (bilinear): ML.NET resizes by nearest neighbour (Fill) or Skia's high-quality filter (Iso*), and on 64 px stripes for
// a 32 px model that changed probabilities by up to 0.4 and some top-1 classes.
// Usage: dotnet run --project examples/ClassifyWithMlNet -- model.onnx my-images [--json]
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Transforms.Image;

var json = args.Contains("--json");
var positional = args.Where(a => a != "--json").ToArray();
if (positional.Length != 2 || positional.Any(a => a.StartsWith("--", StringComparison.Ordinal)))
    return Fail("usage: ClassifyWithMlNet MODEL.onnx IMAGE_FOLDER [--json]");
var (modelPath, folder) = (positional[0], positional[1]);
if (!File.Exists(modelPath)) return Fail($"{modelPath}: no such model file.");
if (!Directory.Exists(folder)) return Fail($"{folder}: no such folder.");

// Every file ML.NET's image loader (Skia) reads, in name order, so the output is the same on every machine.
string[] extensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];
var files = Directory.EnumerateFiles(folder)
    .Where(f => extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
    .Order(StringComparer.Ordinal)
    .ToList();
if (files.Count == 0) return Fail($"{folder} has no image files ({string.Join(", ", extensions)}).");

ModelInfo info;
try
{
    info = ModelInfo.Read(modelPath);
}
catch (Exception e) when (e is OnnxRuntimeException or FormatException or JsonException or KeyNotFoundException)
{
    return Fail($"{modelPath} is not a classifier exported by transfergen export ({e.Message.Split('\n')[0].TrimEnd('.')}).");
}

var ml = new MLContext();
var rows = ml.Data.LoadFromEnumerable(files.Select(f => new ImageRow { File = Path.GetFileName(f) }));
const string image = "image";
IEstimator<ITransformer> pipeline = ml.Transforms.LoadImages(image, Path.GetFullPath(folder), nameof(ImageRow.File))
    // Fill stretches to the model's size, as transfergen does (the Iso* kinds keep the aspect ratio and crop or pad);
    // at the same size it copies the pixels unchanged. ExtractPixels needs a known image size, so this step stays.
    .Append(ml.Transforms.ResizeImages(image, info.Width, info.Height, resizing: ImageResizingEstimator.ResizingKind.Fill));
if (info.Channels == 1)
    // A gray file loads as R = G = B, and this keeps every level exactly (measured on all 256); a colour one becomes
    // 0.3 R + 0.59 G + 0.11 B where transfergen uses 0.299/0.587/0.114: off by one level on about a third of the
    // pixels of random colours. The red plane below then holds the gray values.
    pipeline = pipeline.Append(ml.Transforms.ConvertToGrayscale(image));
pipeline = pipeline
    .Append(ml.Transforms.ExtractPixels(info.InputName, image,
        colorsToExtract: info.Channels == 1 ? ImagePixelExtractingEstimator.ColorBits.Red : ImagePixelExtractingEstimator.ColorBits.Rgb,
        orderOfExtraction: ImagePixelExtractingEstimator.ColorsOrder.ARGB,   // R, G, B planes: the model takes RGB
        interleavePixelColors: false,   // planar [C, H, W], as the model takes
        offsetImage: 0, scaleImage: 1, outputAsFloatArray: true))   // raw 0..255: the graph scales itself
    .Append(ml.Transforms.ApplyOnnxModel([info.OutputName], [info.InputName], modelPath,
        // ML.NET feeds one image at a time; the model's batch dimension N is symbolic, so name it 1 here.
        shapeDictionary: new Dictionary<string, int[]> { [info.InputName] = [1, info.Channels, info.Height, info.Width] },
        gpuDeviceId: null, fallbackToCpu: false, recursionLimit: 100));   // the CPU, and ORT's usual protobuf depth

List<float[]> probabilities;
try
{
    var scored = pipeline.Fit(rows).Transform(rows);
    probabilities = scored.GetColumn<float[]>(info.OutputName).ToList();
}
catch (Exception e) when (e is InvalidOperationException or ArgumentException or IOException or OnnxRuntimeException)
{
    // ML.NET reads rows on worker threads and wraps what went wrong; name the file when one does not decode.
    var unreadable = files.FirstOrDefault(f => !Decodes(f));
    return Fail(unreadable is not null
        ? $"{unreadable}: not an image ML.NET can read."
        : $"could not classify the images in {folder} ({Innermost(e).Message.Split('\n')[0].TrimEnd('.')}).");
}

var results = files.Select((f, i) =>
{
    var p = probabilities[i];
    var top = Array.IndexOf(p, p.Max());
    return new { file = Path.GetFileName(f), @class = info.Classes[top], probability = p[top], probabilities = p };
}).ToList();
if (json)
    Console.WriteLine(JsonSerializer.Serialize(new { model = Path.GetFileName(modelPath), classes = info.Classes, predictions = results }));
else
    foreach (var r in results)
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.file}\t{r.@class}\t{r.probability:F4}"));
return 0;

// Whether ML.NET's image loader (MLImage, on Skia) decodes the file.
static bool Decodes(string file)
{
    try
    {
        using var decoded = MLImage.CreateFromFile(file);
        return true;
    }
    catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
    {
        return false;
    }
}

static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);

// Bad input is one sentence on stderr and exit code 2, as transfergen itself does.
static int Fail(string sentence)
{
    Console.Error.WriteLine(sentence);
    return 2;
}

/// <summary>One input row: an image file name, relative to the folder given to LoadImages.</summary>
sealed class ImageRow
{
    public string File { get; set; } = "";
}

/// <summary>What an exported classifier says about itself in its metadata_props.</summary>
sealed record ModelInfo(string[] Classes, string InputName, string OutputName, int Channels, int Height, int Width)
{
    /// <summary>
    /// Reads the metadata with ONNX Runtime (which ML.NET's ApplyOnnxModel runs on anyway). Throws
    /// <see cref="KeyNotFoundException"/> for a missing key and <see cref="FormatException"/> for a wrong value.
    /// </summary>
    public static ModelInfo Read(string path)
    {
        using var session = new InferenceSession(path);
        var meta = session.ModelMetadata.CustomMetadataMap;
        if (meta.GetValueOrDefault("kind") != "classifier")
            throw new FormatException($"its kind is '{meta.GetValueOrDefault("kind") ?? "not given"}', not 'classifier'");
        var classes = JsonSerializer.Deserialize<string[]>(meta["classes"]) ?? throw new FormatException("classes is null");
        // input_shape is "[N, C, H, W]": N is the batch, the rest fixed.
        var shape = meta["input_shape"].Trim('[', ']').Split(',', StringSplitOptions.TrimEntries);
        if (shape.Length != 4) throw new FormatException($"input_shape {meta["input_shape"]} is not [N, C, H, W]");
        var (c, h, w) = (int.Parse(shape[1], CultureInfo.InvariantCulture), int.Parse(shape[2], CultureInfo.InvariantCulture),
            int.Parse(shape[3], CultureInfo.InvariantCulture));
        var channels = meta["input_channels"] switch
        {
            "gray" => 1,
            "RGB" => 3,
            var other => throw new FormatException($"input_channels '{other}' is neither 'gray' nor 'RGB'"),
        };
        if (channels != c) throw new FormatException($"input_channels {meta["input_channels"]} disagrees with input_shape {meta["input_shape"]}");
        if (meta["input_range"] != "0..255") throw new FormatException($"input_range {meta["input_range"]} is not 0..255");
        return new ModelInfo(classes, meta["input_name"], meta["output_name"], c, h, w);
    }
}
