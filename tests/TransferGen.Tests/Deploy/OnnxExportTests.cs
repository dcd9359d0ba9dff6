using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using TransferGen.Data;
using TransferGen.Deploy;
using TransferGen.Generation;
using TransferGen.Models;
using TransferGen.Tests.Models.Gan;
using TransferGen.Tests.Transfer;
using TransferGen.Transfer;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TransferGen.Tests.Deploy;

/// <summary>
/// Exports real trained models and runs the files in ONNX Runtime: its outputs must match TorchSharp's on the same
/// inputs (to 1e-4 of the output scale, same top-1), for one image and for a batch (the batch dimension is dynamic).
/// </summary>
public sealed class OnnxExportTests(ITestOutputHelper output) : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("tg-export-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Stripes at the run's own image size (so what ORT gets needs no resizing), <paramref name="channels"/> channels.</summary>
    static ImageDataset Stripes(int size, int channels) =>
        new("synthetic", "stripes", ["horizontal", "vertical"],
        [
            StripeData.Split("train", 16, seed: 1, size: size, channels: channels),
            StripeData.Split("test", 6, seed: 2, size: size, channels: channels),
        ]);

    ImageClassifier FineTune(string backbone, int channels, GrayscaleMode gray = GrayscaleMode.Replicate, bool scratch = false, string? name = null)
    {
        var data = Stripes(32, channels);
        var options = new FineTuneOptions
        {
            Backbone = backbone,
            FromScratch = scratch,
            Freeze = FreezePolicy.Parse("none"),
            Epochs = 1,
            ImageSize = 32,
            BatchSize = 8,
            Augment = false,
            Gray = gray,
            Seed = 3,
            Workers = 1,
        };
        return ImageClassifier.FineTune(data, options, Path.Combine(_dir, name ?? "run"));
    }

    [Theory]
    [InlineData("resnet18-imagenet", 1, GrayscaleMode.Replicate, false)]
    [InlineData("resnet18-imagenet", 1, GrayscaleMode.Adapt, false)]
    [InlineData("resnet18-imagenet", 3, GrayscaleMode.Replicate, false)]
    [InlineData("resnet18", 3, GrayscaleMode.Replicate, true)]
    [InlineData("resnet50", 1, GrayscaleMode.Adapt, true)]
    [InlineData("vgg16", 3, GrayscaleMode.Replicate, true)]
    public void An_exported_classifier_gives_torchsharps_probabilities_in_onnx_runtime(string backbone, int channels, GrayscaleMode gray, bool scratch)
    {
        using var trained = FineTune(backbone, channels, gray, scratch);
        // What a user exports is the saved run, reloaded, not the object in memory.
        using var model = ImageClassifier.Load(trained.Folder!);
        var path = Path.Combine(_dir, "model.onnx");
        var result = OnnxExporter.Classifier(model, path);
        output.WriteLine($"{backbone}: {result.Nodes} nodes, {result.Bytes} bytes");
        AssertSameProbabilities(model, path);
    }

    [Fact]
    public void On_real_images_of_their_own_size_the_file_agrees_with_predict()
    {
        // Fashion-MNIST (the full set when installed, else the embedded sample): 28-px images, fine-tuned at 32 px, so
        // the graph's own resize runs on every image.
        var data = DatasetResolver.Load("fashion-mnist");
        var options = new FineTuneOptions
        {
            Epochs = 1, ImageSize = 32, BatchSize = 16, Augment = false, Workers = 1, Seed = 1,
            LabelsPerClass = 10, Freeze = FreezePolicy.Parse("none"),
        };
        using var model = ImageClassifier.FineTune(data, options);
        var path = Path.Combine(_dir, "fashion.onnx");
        OnnxExporter.Classifier(model, path);
        using var scope = NewDisposeScope();
        var test = data.Splits.Single(s => s.Name == "test");
        var images = stack(Enumerable.Range(0, 100).Select(i => test.Read(i * (test.Count / 100))).ToArray());
        var expected = model.Probabilities(images);
        using var session = new InferenceSession(path);
        var actual = Run(session, [("pixels", images.to_type(ScalarType.Float32))]);
        AssertClose(expected, actual, scale: 1);
        Assert.Equal(expected.argmax(1).data<long>().ToArray(), actual.argmax(1).data<long>().ToArray());
    }

    [Fact]
    public void A_classifier_built_on_a_pretrain_run_exports()
    {
        using var source = FineTune("resnet18-imagenet", 1, name: "source");
        using var trained = FineTune(source.Folder!, 1, name: "target");
        var path = Path.Combine(_dir, "on-run.onnx");
        OnnxExporter.Run(trained.Folder!, path);
        AssertSameProbabilities(trained, path);
    }

    void AssertSameProbabilities(ImageClassifier model, string path)
    {
        using var scope = NewDisposeScope();
        var images = StripeData.Split("test", 6, seed: 2, size: 32, channels: model.Config.DataChannels).Images;
        var expected = model.Probabilities(images);
        using var session = new InferenceSession(path);
        var actual = Run(session, [("pixels", images.to_type(ScalarType.Float32))]);
        AssertClose(expected, actual, scale: 1);
        Assert.Equal(expected.argmax(1).data<long>().ToArray(), actual.argmax(1).data<long>().ToArray());
        // The batch dimension is symbolic: one image alone gives that image's row.
        var single = Run(session, [("pixels", images[..1].to_type(ScalarType.Float32))]);
        AssertClose(expected[..1], single, scale: 1);
        // A trained model is sure of its stripes, so probabilities near 0 and 1 would hide small errors; noise is not.
        var noise = randint(0, 256, images.shape, generator: new torch.Generator(11)).to_type(ScalarType.Byte);
        AssertClose(model.Probabilities(noise), Run(session, [("pixels", noise.to_type(ScalarType.Float32))]), scale: 1);
        // Images of another size are resized inside the graph as prediction resizes them: up (plain bilinear) and down
        // (antialiased), then rounded to whole pixel values. Shrinking 48 → 32 px puts many pixels exactly on a half
        // level, where float rounding in torch and in ORT picks either neighbour: single pixels then differ by one level,
        // which moved probabilities by up to 2.6e-4 (measured), hence the looser bound there; top-1 must still agree.
        foreach (var (size, scale) in new[] { (24, 1.0), (48, 10.0), (37, 10.0) })
        {
            var other = StripeData.Split("test", 6, seed: 4, size: size, channels: model.Config.DataChannels).Images;
            var otherNoise = randint(0, 256, other.shape, generator: new torch.Generator(12)).to_type(ScalarType.Byte);
            var both = cat([other, otherNoise], 0);
            var want = model.Probabilities(both);
            var got = Run(session, [("pixels", both.to_type(ScalarType.Float32))]);
            AssertClose(want, got, scale);
            Assert.Equal(want[..6].argmax(1).data<long>().ToArray(), got[..6].argmax(1).data<long>().ToArray());
        }
    }

    [Theory]
    [InlineData("dcgan")]
    [InlineData("cdcgan")]
    [InlineData("mlp")]
    public void An_exported_generator_draws_what_gan_sample_draws(string arch)
    {
        var data = Stripes(32, 1);
        var config = new GanTrainingConfig { Data = "stripes", Arch = arch, BatchSize = 8, Epochs = 1, Seed = 1, Model = TinyGan.Options() };
        ImageGenerator.Train(data, config, Path.Combine(_dir, "gan")).Dispose();
        using var generator = ImageGenerator.Load(Path.Combine(_dir, "gan"));
        var path = Path.Combine(_dir, "g.onnx");
        var result = OnnxExporter.Run(Path.Combine(_dir, "gan"), path);
        Assert.Equal("generator", result.Kind);

        using var scope = NewDisposeScope();
        const int count = 10;
        const long seed = 5;
        var expected = generator.Sample(count, seed: seed);
        // The latents and classes ImageGenerator.Sample draws for a seed: one seeded normal batch, classes in turn.
        using var rng = new torch.Generator((ulong)seed);
        var z = randn([count, generator.Network.LatentDim], generator: rng);
        var inputs = new List<(string, Tensor)> { ("z", z) };
        if (generator.Conditional) inputs.Add(("class", arange(count, dtype: ScalarType.Int64).remainder(generator.Classes.Count)));
        using var session = new InferenceSession(path);
        AssertClose(expected, Run(session, inputs), scale: 1);

        // What `gan sample --out DIR --latents z.json` gives a user: 70 images (two batches of draws) and their inputs.
        var folder = Path.Combine(_dir, "samples");
        var latents = Path.Combine(_dir, "z.json");
        generator.SaveImages(folder, 70, seed: seed);
        generator.SaveLatents(latents, 70, seed: seed);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(latents));
        var nz = generator.Network.LatentDim;
        var zs = json.RootElement.GetProperty("z").EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetSingle())).ToArray();
        var fileInputs = new List<(string, Tensor)> { ("z", tensor(zs, [70, nz])) };
        if (generator.Conditional)
            fileInputs.Add(("class", tensor(json.RootElement.GetProperty("class").EnumerateArray().Select(v => v.GetInt64()).ToArray())));
        else
            Assert.False(json.RootElement.TryGetProperty("class", out _));
        var drawn = Run(session, fileInputs).mul(255);
        var files = Directory.GetFiles(folder, "*.png", SearchOption.AllDirectories).OrderBy(Path.GetFileName, StringComparer.Ordinal).ToArray();
        Assert.Equal(70, files.Length);
        var written = stack(files.Select(f => TransferGen.Imaging.ImageCodec.Decode(f, channels: 1)).ToArray()).to_type(ScalarType.Float32);
        // The PNGs hold whole levels: the ONNX image, scaled to 0..255, is within rounding (half a level) of them.
        AssertClose(written, drawn, scale: (0.5 + 1e-4) / 1e-4);
    }

    [Fact]
    public void An_imported_onnx_file_is_written_back_and_runs_as_the_original()
    {
        // The tiny fixture PyTorch exported (opset 13, BatchNorm folded): imported, written back at opset 17, run by ORT.
        var fixture = Path.Combine(AppContext.BaseDirectory, "Models", "Fixtures", "tiny.onnx");
        using var scope = NewDisposeScope();
        using var module = TransferGen.Interop.Onnx.OnnxModule.Load(fixture);
        module.eval();
        var dims = module.DeclaredInputShape.Select(d => (long)d!).ToArray();
        var input = rand(dims, generator: new torch.Generator(3)) * 4 - 2;
        Tensor expected;
        using (no_grad()) expected = module.forward(input);

        var graph = new OnnxGraphWriter("round_trip");
        var x = graph.Input("x", global::Onnx.TensorProto.Types.DataType.Float, "N", dims[1], dims[2], dims[3]);
        var y = new ModuleExporter(graph).Emit(module, x, "");
        graph.Output(y, global::Onnx.TensorProto.Types.DataType.Float, [.. expected.shape.Skip(1).Cast<object>().Prepend("N")]);
        var path = Path.Combine(_dir, "round-trip.onnx");
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(graph.ToModel("", [])));

        using var original = new InferenceSession(fixture);
        using var written = new InferenceSession(path);
        var reference = Run(original, [(original.InputNames[0], input)]);
        AssertClose(reference, Run(written, [("x", input)]), scale: reference.abs().max().item<float>());
        AssertClose(expected, Run(written, [("x", input)]), scale: reference.abs().max().item<float>());
    }

    [Fact]
    public void A_module_the_exporter_does_not_know_is_named_and_leaves_no_file()
    {
        using var trained = FineTune(TinyBackbone.Register().Name, 1);
        var path = Path.Combine(_dir, "tiny.onnx");
        var e = Assert.Throws<OnnxExportException>(() => OnnxExporter.Classifier(trained, path));
        Assert.Contains("'backbone' (TinyBackbone)", e.Message);
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void The_file_says_what_it_takes_and_names_the_classes()
    {
        using var trained = FineTune("resnet18-imagenet", 1);
        var path = Path.Combine(_dir, "meta.onnx");
        OnnxExporter.Classifier(trained, path);
        using var session = new InferenceSession(path);
        var meta = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("[\"horizontal\",\"vertical\"]", meta["classes"]);
        Assert.Equal("[N, 1, 32, 32]", meta["input_shape"]);
        Assert.Equal("0..255", meta["input_range"]);
        Assert.Contains("float32 [N, 1, H, W]", session.ModelMetadata.Description);
        var input = session.InputMetadata["pixels"];
        Assert.Equal([-1, 1, -1, -1], input.Dimensions);
        Assert.Equal(["N", "", "H", "W"], input.SymbolicDimensions);
        Assert.Equal(17, OpsetOf(path));
        // An existing file is never replaced.
        var before = File.ReadAllBytes(path);
        Assert.Throws<InputException>(() => OnnxExporter.Classifier(trained, path));
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    static long OpsetOf(string path) => global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).OpsetImport.Single(o => o.Domain == "").Version;

    static Tensor Run(InferenceSession session, IReadOnlyList<(string Name, Tensor Value)> inputs)
    {
        var values = new List<OrtValue>();
        try
        {
            foreach (var (_, value) in inputs)
            {
                using var c = value.contiguous();
                values.Add(value.dtype == ScalarType.Int64
                    ? OrtValue.CreateTensorValueFromMemory(c.data<long>().ToArray(), value.shape)
                    : OrtValue.CreateTensorValueFromMemory(c.data<float>().ToArray(), value.shape));
            }
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, [.. inputs.Select(i => i.Name)], values, [session.OutputNames[0]]);
            return tensor(outputs[0].GetTensorDataAsSpan<float>().ToArray(), outputs[0].GetTensorTypeAndShape().Shape);
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    void AssertClose(Tensor expected, Tensor actual, double scale)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var diff = (actual - expected).abs().max();
        var max = diff.item<float>();
        output.WriteLine($"max |ORT − TorchSharp| = {max:G3} over {expected.numel()} values");
        Assert.True(max <= 1e-4 * scale, $"max |ORT − TorchSharp| = {max:G3}");
    }
}
