using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using TransferGen.Data;
using TransferGen.Deploy;
using TransferGen.Imaging;
using TransferGen.Tests.Cli;
using TransferGen.Tests.Data;
using TransferGen.Tests.Transfer;
using TransferGen.Transfer;
using Xunit.Abstractions;

namespace TransferGen.Tests.Examples;

/// <summary>
/// The programs under examples/ build against the library project and run on tiny data, and the README's library
/// snippet is the fine-tune example's code, so it compiles as written.
/// </summary>
[Collection(nameof(TransferGen.Tests.Transfer.SerialTorchTests))]
public class ExampleProgramsTests(ITestOutputHelper log)
{
    static readonly string Root = RepositoryRoot.Path;

    /// <summary>Builds examples/NAME (incrementally) and runs it with <paramref name="args"/> in <paramref name="workingDirectory"/>.</summary>
    static (int ExitCode, string Output) Run(string name, string workingDirectory, params string[] args) =>
        Start("dotnet", workingDirectory, [Build(name), .. args]);

    /// <summary>Builds examples/NAME (incrementally) and returns its dll.</summary>
    static string Build(string name)
    {
        var project = Path.Combine(Root, "examples", name, name + ".csproj");
        var build = Start("dotnet", Root, "build", project, "-nologo", "-v", "quiet");
        Assert.True(build.ExitCode == 0, $"building {name} failed:\n{build.Output}");
        return Path.Combine(Root, "examples", name, "bin", "Debug", "net10.0", name + ".dll");
    }

    static (int ExitCode, string Output) Start(string file, string workingDirectory, params string[] args)
    {
        var (code, stdout, stderr) = StartSplit(file, workingDirectory, args);
        return (code, stdout + stderr);
    }

    static (int ExitCode, string StdOut, string StdErr) StartSplit(string file, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in five minutes");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void The_fine_tune_example_trains_evaluates_predicts_and_saves_a_folder_of_pngs()
    {
        using var temp = new TempFolder();
        var data = TransferCommandTests.StripeFolder(temp, perClass: 10);
        var (code, output) = Run("FineTuneFolder", temp.Path, data, temp["model"]);
        Assert.True(code == 0, output);
        Assert.Contains("test accuracy", output);
        Assert.Equal(3, output.Split('\n').Count(l => l.Contains(".png: ")));
        using var loaded = TransferGen.Transfer.ImageClassifier.Load(temp["model"]);
        Assert.Equal(["horizontal", "vertical"], loaded.Classes);
    }

    [Fact]
    public void The_dcgan_example_writes_a_grid()
    {
        using var temp = new TempFolder();
        var (code, output) = Run("DcganGrid", temp.Path, "fashion-mnist", "1", "128", temp["grid.png"]);
        Assert.True(code == 0, output);
        Assert.True(new FileInfo(temp["grid.png"]).Length > 1000, output);
    }

    [Fact]
    public void The_readme_shows_the_fine_tune_example_as_it_is()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var code = File.ReadAllLines(Path.Combine(Root, "examples", "FineTuneFolder", "Program.cs"))
            .SkipWhile(l => l.StartsWith("//", StringComparison.Ordinal));
        var snippet = string.Join("\n", code).Trim();
        Assert.True(readme.Contains(snippet, StringComparison.Ordinal), "README.md must show examples/FineTuneFolder/Program.cs (after its comment header) verbatim:\n" + snippet);
        Assert.True(snippet.Split('\n').Length <= 15, "the README snippet should stay within about 15 lines");
    }

    /// <summary>
    /// Fine-tunes a tiny resnet18-imagenet run on stripes at 32 px (<paramref name="channels"/> channels), exports it, and
    /// writes a folder of PNGs at the run's size: stripes the model is sure of, and noise it is not (probabilities near
    /// 0 and 1 would hide small differences). Returns the run, the model file and the image folder.
    /// </summary>
    static (string Run, string Model, string Images) ExportedStripes(TempFolder temp, int channels)
    {
        var data = new ImageDataset("synthetic", "stripes", ["horizontal", "vertical"],
        [
            StripeData.Split("train", 16, seed: 1, size: 32, channels: channels),
            StripeData.Split("test", 6, seed: 2, size: 32, channels: channels),
        ]);
        var options = new FineTuneOptions
        {
            Backbone = "resnet18-imagenet", Freeze = FreezePolicy.Parse("none"), Epochs = 1, ImageSize = 32, BatchSize = 8,
            Augment = false, Seed = 3, Workers = 1,
        };
        ImageClassifier.FineTune(data, options, temp["run"]).Dispose();
        OnnxExporter.Run(temp["run"], temp["model.onnx"]);

        var images = temp.Folder("images");
        using var scope = torch.NewDisposeScope();
        var stripes = StripeData.Split("test", 3, seed: 5, size: 32, channels: channels).Images;
        for (var i = 0; i < stripes.shape[0]; i++) ImageCodec.SavePng(stripes[i], Path.Combine(images, $"stripes-{i}.png"));
        var noise = torch.randint(0, 256, [4, channels, 32, 32], generator: new torch.Generator(11)).to_type(torch.ScalarType.Byte);
        for (var i = 0; i < noise.shape[0]; i++) ImageCodec.SavePng(noise[i], Path.Combine(images, $"noise-{i}.png"));
        // Every 8-bit level once (a 16 × 16 ramp, tiled): a conversion that moves any gray level shows here.
        var ramp = torch.arange(256, dtype: torch.ScalarType.Int32).view(1, 1, 16, 16).repeat(1, channels, 2, 2).to_type(torch.ScalarType.Byte);
        ImageCodec.SavePng(ramp[0], Path.Combine(images, "ramp.png"));
        return (temp["run"], temp["model.onnx"], images);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void The_ml_net_example_classifies_a_folder_as_transfergen_predict_does(int channels)
    {
        using var temp = new TempFolder();
        var (run, model, images) = ExportedStripes(temp, channels);
        var (code, stdout, stderr) = StartSplit("dotnet", temp.Path, Build("ClassifyWithMlNet"), model, images, "--json");
        Assert.True(code == 0, stdout + stderr);

        // What `transfergen predict` does: the saved run, reloaded, on the same files in the example's (name) order.
        var files = Directory.GetFiles(images).Order(StringComparer.Ordinal).ToList();
        using var classifier = ImageClassifier.Load(run);
        var predictions = classifier.Predict(files, k: 1);
        using var probabilities = classifier.PredictFiles(files);
        var expected = probabilities.data<float>().ToArray();
        var k = classifier.Classes.Count;

        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(classifier.Classes, json.RootElement.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        var rows = json.RootElement.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(files.Select(Path.GetFileName), rows.Select(r => r.GetProperty("file").GetString()));
        var max = 0.0;
        for (var i = 0; i < files.Count; i++)
        {
            Assert.Equal(predictions[i].Class, rows[i].GetProperty("class").GetString());
            Assert.Equal(predictions[i].Probability, rows[i].GetProperty("probability").GetDouble(), 1e-4);
            var actual = rows[i].GetProperty("probabilities").EnumerateArray().Select(p => p.GetDouble()).ToArray();
            Assert.Equal(k, actual.Length);
            for (var j = 0; j < k; j++) max = Math.Max(max, Math.Abs(actual[j] - expected[i * k + j]));
        }
        log.WriteLine($"{channels} channel(s), {files.Count} files: max |ML.NET − TorchSharp| probability = {max:G3}; " +
            $"least sure top-1 {predictions.Min(p => p.Probability):F3}");
        Assert.True(max <= 1e-4, $"max |ML.NET − TorchSharp| probability = {max:G3}");

        // Without --json: one line per file, name, class and probability.
        var text = Run("ClassifyWithMlNet", temp.Path, model, images);
        Assert.True(text.ExitCode == 0, text.Output);
        var lines = text.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(files.Count, lines.Length);
        Assert.StartsWith($"{Path.GetFileName(files[0])}\t{predictions[0].Class}\t", lines[0]);

        // A file that does not decode is named, in one sentence.
        File.WriteAllText(Path.Combine(images, "broken.png"), "not a png");
        var broken = StartSplit("dotnet", temp.Path, Build("ClassifyWithMlNet"), model, images);
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains("broken.png: not an image ML.NET can read", broken.StdErr);
        Assert.Single(broken.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void The_ml_net_example_says_in_one_sentence_what_is_wrong_with_its_input()
    {
        using var temp = new TempFolder();
        var dll = Build("ClassifyWithMlNet");
        var empty = temp.Folder("empty");
        File.WriteAllText(Path.Combine(empty, "notes.txt"), "not an image");
        File.WriteAllText(temp["not-a-model.onnx"], "not a model");
        foreach (var (args, says) in new[]
        {
            (new[] { temp["missing.onnx"], empty }, "no such model file"),
            ([temp["not-a-model.onnx"], empty], "has no image files"),
            ([temp["not-a-model.onnx"], temp["missing"]], "no such folder"),
            ([temp["not-a-model.onnx"]], "usage"),
        })
        {
            var (code, stdout, stderr) = StartSplit("dotnet", temp.Path, [dll, .. args]);
            Assert.Equal(2, code);
            Assert.Equal("", stdout);
            Assert.Contains(says, stderr);
            Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        // A file that is not an exported classifier, given a folder with an image.
        var folder = temp.Folder("one");
        using (var image = torch.zeros([1, 8, 8], torch.ScalarType.Byte)) ImageCodec.SavePng(image, Path.Combine(folder, "a.png"));
        var bad = StartSplit("dotnet", temp.Path, dll, temp["not-a-model.onnx"], folder);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("is not a classifier exported by transfergen export", bad.StdErr);
        Assert.Single(bad.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
