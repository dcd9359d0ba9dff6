using System.Text.Json;
using SkiaSharp;
using TransferGen.Tests.Data;

namespace TransferGen.Tests.Cli;

public class TransferCommandTests
{
    /// <summary>An image folder of two classes of 12×12 PNGs: horizontal and vertical stripes (named as <paramref name="classes"/> says).</summary>
    internal static string StripeFolder(TempFolder temp, string folder = "stripes", string[]? classes = null, int perClass = 10)
    {
        var root = temp.Folder(folder);
        classes ??= ["horizontal", "vertical"];
        foreach (var (name, vertical) in new[] { (classes[0], false), (classes[1], true) })
            for (var i = 0; i < perClass; i++)
            {
                using var bitmap = new SKBitmap(12, 12, SKColorType.Rgba8888, SKAlphaType.Opaque);
                for (var y = 0; y < 12; y++)
                    for (var x = 0; x < 12; x++)
                    {
                        var v = (byte)(((vertical ? x : y) + i) % 4 < 2 ? 220 : 30);
                        bitmap.SetPixel(x, y, new SKColor(v, v, v));
                    }
                using var image = SKImage.FromBitmap(bitmap);
                using var data = image.Encode(SKEncodedImageFormat.Png, 100);
                Directory.CreateDirectory(Path.Combine(root, name));
                File.WriteAllBytes(Path.Combine(root, name, $"{i}.png"), data.ToArray());
            }
        return root;
    }

    [Fact]
    public void Backbones_lists_the_registry_as_json()
    {
        var result = CliRunner.Run("backbones", "--json");
        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.StdOut);
        var names = json.RootElement.GetProperty("backbones").EnumerateArray().Select(b => b.GetProperty("name").GetString()).ToList();
        Assert.Contains("resnet18", names);
        Assert.Equal(512, json.RootElement.GetProperty("backbones")[0].GetProperty("features").GetInt32());
    }

    [Fact]
    public void Finetune_then_predict_and_evaluate_through_the_cli()
    {
        using var temp = new TempFolder();
        var data = StripeFolder(temp);
        var run = temp["run"];
        var train = CliRunner.Run("finetune", "--data", data, "--backbone", "resnet18", "--from-scratch", "--out", run, "--min-steps", "0",
            "--image-size", "16", "--epochs", "1", "--probe-epochs", "1", "--batch-size", "8", "--json");
        Assert.True(train.ExitCode == 0, train.StdErr);
        using (var json = JsonDocument.Parse(train.StdOut))
        {
            Assert.InRange(json.RootElement.GetProperty("best_val_accuracy").GetDouble(), 0, 1);
            Assert.Equal(JsonValueKind.Number, json.RootElement.GetProperty("test_accuracy").ValueKind);
            using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
            Assert.Equal(json.RootElement.GetProperty("test_accuracy").GetDouble(), metrics.RootElement.GetProperty("test_accuracy").GetDouble());
        }
        foreach (var file in new[] { "config.json", "model.pt", "checkpoint.pt", "metrics.json", "metrics.jsonl" })
            Assert.True(File.Exists(Path.Combine(run, file)), file);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(run, "tensorboard")));

        var image = Path.Combine(data, "vertical", "3.png");
        var predict = CliRunner.Run("predict", "--model", run, image, "--json", "--top", "2");
        Assert.True(predict.ExitCode == 0, predict.StdErr);
        using (var json = JsonDocument.Parse(predict.StdOut))
        {
            var top = json.RootElement.GetProperty("predictions")[0].GetProperty("top");
            Assert.Equal(2, top.GetArrayLength());
            Assert.Contains(top[0].GetProperty("class").GetString(), new[] { "horizontal", "vertical" });
            Assert.Equal(1.0, top.EnumerateArray().Sum(t => t.GetProperty("probability").GetDouble()), 3);
        }

        var evaluate = CliRunner.Run("evaluate", "--model", run, "--data", data, "--json");
        Assert.True(evaluate.ExitCode == 0, evaluate.StdErr);
        using (var json = JsonDocument.Parse(evaluate.StdOut))
        {
            var root = json.RootElement;
            Assert.InRange(root.GetProperty("accuracy").GetDouble(), 0, 1);
            var perClass = root.GetProperty("per_class");
            Assert.Equal(2, perClass.GetArrayLength());
            foreach (var key in new[] { "class", "precision", "recall", "f1" }) Assert.True(perClass[0].TryGetProperty(key, out _), key);
            var confusion = root.GetProperty("confusion");
            var total = confusion.EnumerateArray().Sum(row => row.EnumerateArray().Sum(n => n.GetInt64()));
            Assert.Equal(root.GetProperty("samples").GetInt64(), total);
            Assert.True(File.Exists(root.GetProperty("heatmap").GetString()));
        }
        Assert.True(File.Exists(Path.Combine(run, "curves.png")));

        // The fine-tuned backbone as FID's feature network: a set against itself scores 0.
        var fid = CliRunner.Run("fid", data, data, "--features", run, "--json", "--kid-subsets", "5");
        Assert.True(fid.ExitCode == 0, fid.StdErr);
        using (var json = JsonDocument.Parse(fid.StdOut))
            Assert.InRange(json.RootElement.GetProperty("fid").GetDouble(), 0, 1e-3);

        var corrupt = temp["corrupt.png"];
        File.WriteAllText(corrupt, "not an image");
        var bad = CliRunner.Run("predict", "--model", run, corrupt);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("corrupt.png", bad.StdErr);
    }

    [Fact]
    public void Lr_find_prints_the_curve_as_json_and_writes_only_the_plot_and_the_curve()
    {
        using var temp = new TempFolder();
        var data = StripeFolder(temp);
        var output = temp["lr"];
        var result = CliRunner.Run("lr-find", "--data", data, "--backbone", "resnet18", "--from-scratch", "--out", output, "--min-steps", "0",
            "--image-size", "16", "--probe-epochs", "1", "--batch-size", "8", "--steps", "6", "--min-lr", "1e-4", "--max-lr", "1", "--json");
        Assert.True(result.ExitCode == 0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        var root = json.RootElement;
        Assert.InRange(root.GetProperty("suggested_lr").GetDouble(), 1e-4, 1);
        Assert.True(root.GetProperty("min_loss_lr").GetDouble() > 0);
        var steps = root.GetProperty("lrs").GetArrayLength();
        Assert.InRange(steps, 1, 6);
        Assert.Equal(steps, root.GetProperty("losses").GetArrayLength());
        Assert.Equal("finetune", root.GetProperty("phase").GetString());
        Assert.Contains("lr-find step", result.StdErr);
        Assert.Equal([".lock", "config.json", "lr-find.json", "lr-find.png"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName).Order());
        Assert.Equal(Path.Combine(output, "lr-find.png"), root.GetProperty("plot").GetString());
    }

    [Theory]
    [InlineData("predict", "--model", "/nonexistent/run", "x.png")]
    [InlineData("evaluate", "--model", "/nonexistent/run", "--data", "fashion-mnist")]
    [InlineData("finetune", "--data", "fashion-mnist", "--backbone", "nope", "--from-scratch", "--out", "/tmp/unused-run")]
    [InlineData("finetune", "--data", "fashion-mnist", "--backbone", "resnet18", "--freeze", "sometimes", "--out", "/tmp/unused-run")]
    [InlineData("finetune", "--data", "fashion-mnist", "--backbone", "resnet18", "--freeze", "until:layer9", "--from-scratch", "--out", "/tmp/unused-run")]
    [InlineData("finetune", "--resume", "/nonexistent/run")]
    [InlineData("finetune", "--data", "fashion-mnist", "--backbone", "resnet18", "--from-scratch", "--freeze", "gradual", "--epochs", "4", "--out", "/tmp/unused-run")]
    [InlineData("lr-find", "--data", "fashion-mnist", "--backbone", "resnet18", "--from-scratch", "--min-lr", "1", "--max-lr", "0.1")]
    [InlineData("lr-find", "--data", "fashion-mnist", "--backbone", "resnet18", "--from-scratch", "--min-lr", "0.01", "--max-lr", "0.01")]
    [InlineData("lr-find", "--data", "fashion-mnist", "--backbone", "resnet18", "--from-scratch", "--steps", "4")]
    [InlineData("lr-find", "--data", "fashion-mnist", "--backbone", "resnet18", "--from-scratch", "--resume", "/tmp/unused-run")]
    public void Bad_input_is_one_sentence_and_exit_code_2(params string[] args)
    {
        var result = CliRunner.Run(args);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.StdErr);
        Assert.Single(result.StdErr.Trim().Split('\n'));
    }
}
