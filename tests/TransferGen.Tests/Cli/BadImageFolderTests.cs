using System.Text.Json;
using SkiaSharp;
using TransferGen.Tests.Data;
using TransferGen.Tests.Imaging;

namespace TransferGen.Tests.Cli;

/// <summary>
/// The commands on an image folder holding what a user's folder may hold: a tiny PNG claiming 60000 × 60000 pixels, an
/// empty file, a text file named .jpg, a JPEG cut short after a whole header, and a folder link back to the root.
/// Every command must go on without them, say so once, and record them.
/// </summary>
public class BadImageFolderTests
{
    // StripeFolder's 2 × 10 good images plus four bad files and a loop; returns the root.
    static string BadFolder(TempFolder temp)
    {
        var root = TransferCommandTests.StripeFolder(temp, "mixed");
        File.WriteAllBytes(Path.Combine(root, "horizontal", "huge.png"), CraftedImages.Png(60000, 60000));
        File.WriteAllBytes(Path.Combine(root, "horizontal", "empty.png"), []);
        File.WriteAllText(Path.Combine(root, "vertical", "text.jpg"), "a text file renamed .jpg");
        var jpeg = CraftedImages.Encode(SKEncodedImageFormat.Jpeg, 64, 64, canvas =>
        {
            using var paint = new SKPaint { Color = SKColors.White };
            canvas.DrawRect(10, 0, 20, 64, paint);
        });
        File.WriteAllBytes(Path.Combine(root, "vertical", "cut.jpg"), jpeg[..(jpeg.Length * 2 / 3)]);
        Directory.CreateSymbolicLink(Path.Combine(root, "horizontal", "loop"), "..");
        return root;
    }

    static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public void Finetune_skips_warns_and_records_the_bad_files_then_predict_refuses_the_huge_one_in_one_sentence()
    {
        using var temp = new TempFolder();
        var root = BadFolder(temp);
        var run = temp["run"];

        var train = CliRunner.Run("finetune", "--data", root, "--backbone", "resnet18", "--from-scratch", "--out", run, "--min-steps", "0",
            "--image-size", "16", "--epochs", "1", "--probe-epochs", "1", "--batch-size", "8", "--labels-per-class", "100", "--json");

        Assert.True(train.ExitCode == 0, train.StdErr);
        var warnings = Lines(train.StdErr).Where(l => l.StartsWith("warning: ", StringComparison.Ordinal)).ToList();
        Assert.Single(warnings, w => w.StartsWith($"warning: skipped 4 of 24 files in {root} that could not be decoded (first: ", StringComparison.Ordinal));
        Assert.Single(warnings, w => w.Contains($"did not follow the folder link {Path.Combine(root, "horizontal", "loop")} -> ..", StringComparison.Ordinal));
        Assert.Single(warnings, w => w.Contains("100 labels per class were asked for, but 2 of 2 classes have fewer images in 'train'", StringComparison.Ordinal)
                                     && w.Contains("horizontal 8, vertical 8", StringComparison.Ordinal));

        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json"))))
        {
            var skipped = config.RootElement.GetProperty("skipped_images");
            Assert.Equal(4, skipped.GetProperty("count").GetInt32());
            Assert.Equal(new[] { "cut.jpg", "empty.png", "huge.png", "text.jpg" },
                skipped.GetProperty("first").EnumerateArray().Select(f => Path.GetFileName(f.GetProperty("path").GetString()!)).Order());
            Assert.Equal([8, 8], config.RootElement.GetProperty("labels_per_class_used").EnumerateArray().Select(n => n.GetInt32()));
            Assert.Equal(100_000_000, config.RootElement.GetProperty("dataset_max_image_pixels").GetInt64());
            // 16 of the 20 good images train and validate: the loop added none, the bad files none.
            Assert.Equal(16, config.RootElement.GetProperty("train_count").GetInt32() + config.RootElement.GetProperty("validation_count").GetInt32());
        }
        using (var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json"))))
            Assert.Equal(JsonValueKind.Number, metrics.RootElement.GetProperty("test_accuracy").ValueKind);

        var huge = Path.Combine(root, "horizontal", "huge.png");
        var predict = CliRunner.Run("predict", "--model", run, huge);
        Assert.Equal(2, predict.ExitCode);
        var line = Assert.Single(Lines(predict.StdErr));
        Assert.StartsWith($"error: {huge}: 60000 × 60000 pixels, over the limit of 100000000 pixels; raise --max-image-pixels", line);

        var lowered = CliRunner.Run("predict", "--model", run, Path.Combine(root, "vertical", "1.png"), "--max-image-pixels", "100");
        Assert.Equal(2, lowered.ExitCode);
        Assert.Contains("12 × 12 pixels, over the limit of 100 pixels", Assert.Single(Lines(lowered.StdErr)));

        var folder = CliRunner.Run("predict", "--model", run, Path.Combine(root, "vertical"));
        Assert.Equal(2, folder.ExitCode);
        Assert.Equal($"error: {Path.Combine(root, "vertical")} is a folder, not an image file; name the image files in it.", Assert.Single(Lines(folder.StdErr)));
    }

    [Fact]
    public void Gan_train_skips_warns_and_records_the_bad_files()
    {
        using var temp = new TempFolder();
        var root = BadFolder(temp);
        var run = temp["gan"];

        var train = CliRunner.Run("gan", "train", "--data", root, "--arch", "dcgan", "--out", run, "--dry-run", "--image-size", "32");

        Assert.True(train.ExitCode == 0, train.StdErr);
        Assert.Contains($"warning: skipped 4 of 24 files in {root}", train.StdErr);
        Assert.Contains("did not follow the folder link", train.StdErr);
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.Equal(4, config.RootElement.GetProperty("skipped_images").GetProperty("count").GetInt32());
    }

    [Fact]
    public void Fid_warns_once_about_each_set_it_reads()
    {
        using var temp = new TempFolder();
        var root = BadFolder(temp);

        var fid = CliRunner.Run("fid", root, root, "--features", "pixels", "--kid-subsets", "2", "--json");

        Assert.True(fid.ExitCode == 0, fid.StdErr);
        Assert.Equal(2, Lines(fid.StdErr).Count(l => l.StartsWith($"warning: skipped 4 of 24 files in {root}", StringComparison.Ordinal)));
        using var json = JsonDocument.Parse(fid.StdOut);
        Assert.Equal(20, json.RootElement.GetProperty("n_a").GetInt32());
    }

    [Fact]
    public void Data_info_strict_names_the_first_bad_file_and_the_pixel_limit_flag_raises_the_limit()
    {
        using var temp = new TempFolder();
        var root = TransferCommandTests.StripeFolder(temp, "plain", perClass: 2);
        var huge = Path.Combine(root, "vertical", "huge.png");
        File.WriteAllBytes(huge, CraftedImages.Png(60000, 60000));

        var strict = CliRunner.Run("data", "info", root, "--strict");
        Assert.Equal(2, strict.ExitCode);
        Assert.StartsWith($"error: {huge}: 60000 × 60000 pixels, over the limit of 100000000 pixels; raise --max-image-pixels",
            Assert.Single(Lines(strict.StdErr)));

        var lowered = CliRunner.Run("data", "info", root, "--max-image-pixels", "100", "--json");
        Assert.True(lowered.ExitCode == 2, lowered.StdErr);   // every 12×12 image is over 100 pixels: nothing is left
        Assert.Contains($"{root}: none of its 5 image files could be read (the first, ", Assert.Single(Lines(lowered.StdErr)));

        var tooHigh = CliRunner.Run("data", "info", root, "--max-image-pixels", "600000000");
        Assert.Equal(2, tooHigh.ExitCode);
        Assert.Equal("error: --max-image-pixels must be between 1 and 500000000, got 600000000.", Assert.Single(Lines(tooHigh.StdErr)));
    }

    [Fact]
    public void An_idx_labels_header_claiming_two_billion_labels_is_one_sentence_naming_the_file()
    {
        using var dir = new TempFolder();
        var (_, labels) = TestFiles.WriteIdxPair(dir.Path, "train", TestFiles.Pattern(2, 16), 2, 4, 4, [0, 1], gzip: false);
        File.WriteAllBytes(labels, TestFiles.Idx(0x801, [int.MaxValue], [0, 1]));

        var result = CliRunner.Run("data", "info", dir.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {labels} is truncated: its header promises {int.MaxValue} labels but the file holds only 2.",
            Assert.Single(Lines(result.StdErr)));
    }
}
